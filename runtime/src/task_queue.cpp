#include "task_queue.hpp"

#include <bg/detail/task_ends.hpp>

namespace bg::detail {

TaskQueue::TaskQueue(std::size_t capacity) : capacity_(capacity) {
  owned_.push_back(std::make_unique<Segment>());
  tail_segment_ = head_segment_ = owned_.back().get();
}

TaskQueue::~TaskQueue() {
  // Tasks never claimed (a core destroyed without shutdown) are destroyed
  // here; claimed ones were destroyed by whoever ran them.
  std::uint64_t head = head_.load(std::memory_order_relaxed);
  const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  Segment* segment = head_segment_;
  for (; head < tail; ++head) {
    if (head - segment->base == kSegmentSlots) segment = segment->next;
    Slot& slot = segment->slots[head - segment->base];
    slot.ops->destroy(&slot.storage);
  }
}

bool TaskQueue::has_room(std::size_t n) const noexcept {
  if (capacity_ == 0) return true;
  const std::uint64_t queued = tail_.load(std::memory_order_relaxed) - head();
  return queued + n <= capacity_;
}

Segment* TaskQueue::take_segment() {
  std::lock_guard lock(pool_mutex_);
  if (!pool_.empty()) {
    Segment* segment = pool_.back();
    pool_.pop_back();
    return segment;
  }
  owned_.push_back(std::make_unique<Segment>());
  pool_.reserve(owned_.size());  // so that release() never allocates
  return owned_.back().get();
}

Slot& TaskQueue::next_slot(std::uint64_t index) {
  if (index - tail_segment_->base == kSegmentSlots) {
    Segment* fresh = take_segment();
    fresh->base = index;
    fresh->next = nullptr;
    fresh->releases.store(0, std::memory_order_relaxed);
    tail_segment_->next = fresh;  // published by the tail_ store that follows
    tail_segment_ = fresh;
  }
  return tail_segment_->slots[index - tail_segment_->base];
}

TaskQueue::Push TaskQueue::push(const PendingTasks& pending, std::span<TaskEntry* const> entries,
                                std::size_t blocking, std::atomic<TaskId>& ids, TaskId& first,
                                std::int64_t ready_tick, bool continuation) {
  std::lock_guard lock(tail_mutex_);
  if (sealed_.load(std::memory_order_relaxed) || (closed_.load(std::memory_order_relaxed) && !continuation)) return Push::closed;
  if (!has_room(blocking)) return Push::full;
  // Under the tail lock: queue order is id order.
  const unsigned attempt = submission_attempt();  // 1 unless a queue outside the process retries it
  const TaskId start = ids.fetch_add(pending.size(), std::memory_order_relaxed) + 1;
  std::uint64_t index = tail_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < pending.size(); ++i) {
    // Counted under the tail lock, before a worker can see the task: a
    // snapshot never sees it run before it was submitted, and once the
    // queue is sealed the counts are final.
    add(entries[i]->submitted_queue, /*single_writer=*/true);  // the tail lock makes this thread its only writer
    ErasedTask& task = pending.task(i);
    if (task.async_ops() != nullptr) {
      TaskEntry::bump(entries[i]->async_submitted);
      continue;  // started by the core on its backend
    }
    Slot& slot = next_slot(index);
    slot.ops = task.release_into(slot.storage);
    slot.id = start + i;
    slot.entry = entries[i];
    slot.ready_tick = ready_tick;
    slot.attempt = attempt;
    ++index;
  }
  tail_.store(index, std::memory_order_release);
  first = start;
  return Push::ok;
}

TaskQueue::Push TaskQueue::push_held(HeldTask&& task) {
  std::lock_guard lock(tail_mutex_);
  if (sealed_.load(std::memory_order_relaxed)) return Push::closed;
  const std::uint64_t index = tail_.load(std::memory_order_relaxed);
  Slot& slot = next_slot(index);
  slot.ops = task.task.release_into(slot.storage);
  slot.id = task.id;
  slot.entry = task.entry;
  slot.ready_tick = task.ready_tick;
  slot.attempt = task.attempt;
  tail_.store(index + 1, std::memory_order_release);
  return Push::ok;
}

void TaskQueue::seal() {
  std::lock_guard lock(tail_mutex_);
  sealed_.store(true, std::memory_order_release);
  closed_.store(true, std::memory_order_release);
}

void TaskQueue::close() {
  std::lock_guard lock(tail_mutex_);
  closed_.store(true, std::memory_order_release);
}

TaskQueue::Claimed TaskQueue::claim_locked() {
  if (discarding_) return {};
  const std::uint64_t index = head_.load(std::memory_order_relaxed);
  // The tail last seen under this lock: while a backlog lasts, claims need
  // not fetch the producers' cache line each time.
  if (index == known_tail_) {
    known_tail_ = tail_.load(std::memory_order_acquire);
    if (index == known_tail_) return {};
  }
  if (index - head_segment_->base == kSegmentSlots) {
    Segment* done = head_segment_;
    head_segment_ = done->next;  // linked before slot `index` was published
    release(done);
  }
  const std::uint64_t offset = index - head_segment_->base;
  // The next task's slot is usually claimed next: start fetching it from
  // the producer's cache now, so that the two transfers overlap.
  if (offset + 1 < kSegmentSlots && index + 1 < known_tail_) __builtin_prefetch(&head_segment_->slots[offset + 1]);
  return {&head_segment_->slots[offset], head_segment_};
}

void TaskQueue::finish(const Claimed& claimed) noexcept { release(claimed.segment); }

void TaskQueue::release(Segment* segment) noexcept {
  if (segment->releases.fetch_add(1, std::memory_order_acq_rel) + 1 == kSegmentSlots + 1) {
    std::lock_guard lock(pool_mutex_);
    pool_.push_back(segment);  // reserved: owned_ only grows, pool_ never exceeds it
  }
}

}  // namespace bg::detail
