// The queue's Lua scripts: every step that must see and change several keys
// at once runs in one script, so that no crash or race between two commands
// can lose or duplicate an entry. Each script treats what it reads as
// hostile (an operator or another program may have written anything) and
// checks every write it makes (redis.pcall), reporting a refused write
// rather than half-applying a step.
#pragma once

namespace bg::redis {

/// Moves due members of KEYS[1] (delayed set) to KEYS[2] (stream), at most
/// ARGV[1] of them, by the server's clock. A member that is not a task
/// bgtasks wrote goes to KEYS[3] (dead letters) with the reason. Returns
/// {moved, dead, error}: error is "" or the refusal of a write, after which
/// the script stopped (the member it was moving stays in the set).
extern const char* const kMoveDueScript;

/// Takes over entries of KEYS[1] that have been pending, unrenewed, for at
/// least ARGV[3] ms (XPENDING … IDLE scans the whole pending list, so that
/// a dead worker's entries behind a live worker's renewed ones are found).
/// ARGV: group, consumer, min idle ms, room, max deliveries, and "1" when the
/// caller holds nothing and may take a suspicious entry.
///   - delivered max_deliveries times or more: a dead letter in KEYS[2];
///   - delivered twice or more (its worker died holding it after a takeover:
///     it may be what kills workers): taken only alone, when ARGV[6] is "1";
///   - otherwise taken, up to `room`.
/// Returns {taken, dead, longest_wait, error}, where taken is a list of
/// {id, fields, deliveries_before} and longest_wait the longest idle time
/// (ms) of the suspicious entries left waiting.
extern const char* const kReclaimScript;

/// Settles entries this worker holds in KEYS[1] (stream), with KEYS[2] the
/// delayed set and KEYS[3] the dead letters. ARGV: group, consumer, then
/// records, each a kind and an entry id and the kind's values:
///   "a" id                 acknowledge and delete (the task completed)
///   "r" id due member      retry: ZADD the member, then acknowledge
///   "d" id n f1 v1 …       dead letter: XADD the n values to KEYS[3], then acknowledge
///   "b" id n f1 v1 …       hand back: XADD the n values to KEYS[1], then acknowledge
/// A write happens only while the entry is still pending on this consumer,
/// so replaying a settlement whose reply was lost changes nothing. Writes
/// go first, acknowledgements last: under maxmemory the writes are refused
/// and reported, the acknowledgements (which free memory) still happen.
/// Returns one element per record: 1 settled, 0 no longer held here
/// (settled before, or taken over), or the error text of a refused write.
extern const char* const kSettleScript;

/// Renews the entries of ARGV[3..] for consumer ARGV[2] of group ARGV[1] in
/// stream KEYS[1] (XCLAIM … JUSTID resets their idle time without counting
/// a delivery), skipping any that another worker has taken over meanwhile.
/// Returns how many were renewed.
extern const char* const kHeartbeatScript;

/// Moves dead letter ARGV[1] of KEYS[2] back to the stream KEYS[1] with the
/// fields ARGV[2..]: the XADD first, checked, then the XDEL, and nothing
/// when the dead letter is gone already (requeued by another operator), so
/// a dead letter is never deleted without its new entry, nor requeued
/// twice. Returns 1 moved, 0 gone, or the refusal of the XADD.
extern const char* const kRequeueScript;

/// Deletes the consumers of group ARGV[1] on KEYS[1] that hold nothing and
/// have been idle for ARGV[3] ms, never ARGV[2] (the caller): workers that
/// died or stopped. Checked and deleted in one step, so a consumer that
/// reads an entry meanwhile is never deleted with it. Returns how many.
extern const char* const kPruneConsumersScript;

}  // namespace bg::redis
