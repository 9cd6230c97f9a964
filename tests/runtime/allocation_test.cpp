// Zero heap allocations per submission once the queue's memory is warm, for
// tasks whose stored arguments fit in 64 bytes. Counted with a replaced
// global operator new, so this test is its own executable.
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <bg/bg.hpp>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

TEST(Allocation, NoneForSmallTasksOnceWarm) {
  constexpr int kTasks = 5000;
  bg::Lifespan life{{.workers = 2}};
  std::atomic<std::uint64_t> sink{0};
  // A std::string short enough for its inline buffer, so that any allocation
  // counted here is the runtime's, not the argument's own. Not const: a const
  // member's "move" is a copy that may throw, and such closures are boxed.
  std::string text = "short text";
  std::atomic<bool> hold{true};
  // Each round first parks both workers behind `hold`, so the queue reaches
  // its full depth whatever the machine's load: the warm-up round then has
  // allocated every segment the counted round can need.
  auto round = [&](bool count) {
    hold = true;
    life.add_task([&] { while (hold) std::this_thread::yield(); });
    life.add_task([&] { while (hold) std::this_thread::yield(); });
    counting = count;
    for (int i = 0; i < kTasks; ++i) {
      life.add_task([&sink, text, a = i, b = i + 1] { sink += text.size() + a + b; });
    }
    counting = false;
    hold = false;
    life.wait_idle();
  };
  // Two warm-up rounds: a round that starts mid-segment spans one segment
  // more than one that starts at a boundary, so one round is not enough.
  round(false);
  round(false);
  round(true);
  EXPECT_EQ(allocations.load(), 0U);
  EXPECT_GT(sink.load(), 0U);
}

TEST(Allocation, ClosuresWhoseMoveMayThrowAreBoxed) {
  bg::Lifespan life{{.workers = 1}};
  const std::string text = "const capture";
  life.add_task([text] { (void)text; });
  life.wait_idle();
  allocations = 0;
  counting = true;
  life.add_task([text] { (void)text; });
  counting = false;
  life.wait_idle();
  EXPECT_EQ(allocations.load(), 1U);
}

TEST(Allocation, LargeTasksAreBoxedOnTheHeap) {
  bg::Lifespan life{{.workers = 1}};
  struct Big {
    char bytes[200] = {};
  };
  life.add_task([](Big) {}, Big{});
  life.wait_idle();
  allocations = 0;
  counting = true;
  life.add_task([](Big) {}, Big{});
  counting = false;
  life.wait_idle();
  EXPECT_EQ(allocations.load(), 1U);
}

}  // namespace
