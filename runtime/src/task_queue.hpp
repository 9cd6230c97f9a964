// TaskQueue: the unbounded (or bounded) FIFO behind a Lifespan.
//
// A two-lock queue over fixed-size segments of slots. Producers hold only
// the tail lock and workers only the head lock, so submitting never contends
// with taking work. A task stays in its slot while it runs (no second move);
// a segment goes back to a pool once every slot in it has finished and the
// head has left it, so steady-state submission reuses warm memory and never
// allocates.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include <bg/context.hpp>
#include <bg/detail/erased_task.hpp>

#include "pending_tasks.hpp"
#include "task_entry.hpp"

namespace bg::detail {

inline constexpr std::size_t kSegmentSlots = 256;

/// One queued or running task. 128 bytes, so neighbours that different
/// workers run never share a cache line.
struct alignas(64) Slot {
  TaskStorage storage;
  const TaskOps* ops = nullptr;
  TaskId id = 0;
  TaskEntry* entry = nullptr;  ///< the task name's policy and metrics
  std::int64_t ready_tick = 0;   ///< when it was queued (its queue wait starts)
  unsigned attempt = 1;
};
static_assert(sizeof(Slot) == 128);

struct Segment {
  std::array<Slot, kSegmentSlots> slots;
  std::uint64_t base = 0;     ///< global index of slots[0]
  Segment* next = nullptr;    ///< set by the producer before it publishes slot base + N
  /// Finished slots, plus one once the head has moved past this segment. At
  /// kSegmentSlots + 1 nobody refers to the segment and it is recycled.
  std::atomic<std::uint32_t> releases{0};
};

class TaskQueue {
 public:
  enum class Push { ok, full, closed };

  struct Claimed {
    Slot* slot = nullptr;
    Segment* segment = nullptr;
  };

  /// capacity: most unclaimed tasks; 0 is unbounded.
  explicit TaskQueue(std::size_t capacity);
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  /// Moves every pending blocking task (`blocking` of them) into the queue,
  /// or none: on full or closed they are left untouched. Takes ids for all
  /// of `pending` from `ids` (the last id given), consecutive within one
  /// push, so that a batch's coroutine tasks, which the queue skips, keep
  /// their place in the batch's ids; `first` receives the first.
  /// entries[i] is the entry of pending task i; ready_tick is now.
  Push push(const PendingTasks& pending, std::span<TaskEntry* const> entries, std::size_t blocking,
            std::atomic<TaskId>& ids, TaskId& first, std::int64_t ready_tick, bool continuation = false);
  /// A task that waited outside the queue and is due (a delayed task, a
  /// retry), under the id it already has. Accepted until seal(), whatever
  /// the capacity: it was admitted when it was submitted.
  Push push_held(HeldTask&& task);
  /// After close() returns, only a continuation push succeeds (work that a
  /// running task needs to finish, during shutdown's grace period); after
  /// seal() returns, none does and tail() is final.
  void close();
  void seal();
  [[nodiscard]] bool closed() const noexcept { return closed_.load(std::memory_order_acquire); }
  [[nodiscard]] bool sealed() const noexcept { return sealed_.load(std::memory_order_acquire); }

  /// Takes the oldest task, calling on_claim(slot) under the head lock and
  /// before head() moves past it: whoever takes the lock next (discard_all),
  /// and whoever sees the new head() (a count of queued tasks), also sees
  /// what on_claim stored, so the task is never seen neither queued nor
  /// running. Returns an empty Claimed when nothing is queued or the queue
  /// is discarding.
  template <class OnClaim>
  Claimed claim(OnClaim&& on_claim) {
    std::lock_guard lock(head_mutex_);
    Claimed claimed = claim_locked();
    if (claimed.slot != nullptr) {
      on_claim(*claimed.slot);
      advance_head();
    }
    return claimed;
  }

  /// Releases a claimed slot whose task has been run and destroyed.
  void finish(const Claimed& claimed) noexcept;

  /// Stops all further claims and hands every unclaimed task to on_discard
  /// (under the head lock), then destroys it. Returns how many there were.
  template <class OnDiscard>
  std::size_t discard_all(OnDiscard&& on_discard) {
    std::lock_guard lock(head_mutex_);
    std::size_t count = 0;
    for (;;) {
      Claimed claimed = claim_locked();
      if (claimed.slot == nullptr) break;
      advance_head();
      on_discard(*claimed.slot);
      claimed.slot->ops->destroy(&claimed.slot->storage);
      finish(claimed);
      ++count;
    }
    discarding_ = true;  // after the loop: claim_locked() refuses once it is set
    return count;
  }

  [[nodiscard]] std::uint64_t tail() const noexcept { return tail_.load(std::memory_order_acquire); }
  [[nodiscard]] std::uint64_t head() const noexcept { return head_.load(std::memory_order_acquire); }
  [[nodiscard]] bool has_work() const noexcept { return head() != tail(); }
  /// True when a bounded queue has room for n more (always for unbounded).
  [[nodiscard]] bool has_room(std::size_t n) const noexcept;

 private:
  /// The oldest unclaimed slot; head() moves past it in advance_head().
  Claimed claim_locked();
  void advance_head() noexcept { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  void release(Segment* segment) noexcept;
  /// Where the next pushed task goes; links a fresh segment when full.
  Slot& next_slot(std::uint64_t index);
  Segment* take_segment();

  const std::size_t capacity_;

  // Producer-only state, apart from what workers poll: a spinning worker
  // reading tail_ must not pull the producers' lock away from them.
  alignas(64) std::mutex tail_mutex_;
  Segment* tail_segment_ = nullptr;
  std::atomic<bool> closed_{false};
  std::atomic<bool> sealed_{false};
  alignas(64) std::atomic<std::uint64_t> tail_{0};

  alignas(64) std::mutex head_mutex_;
  Segment* head_segment_ = nullptr;
  std::uint64_t known_tail_ = 0;  ///< a tail_ value seen under the head lock
  bool discarding_ = false;
  std::atomic<std::uint64_t> head_{0};

  alignas(64) std::mutex pool_mutex_;
  std::vector<Segment*> pool_;
  std::vector<std::unique_ptr<Segment>> owned_;
};

}  // namespace bg::detail
