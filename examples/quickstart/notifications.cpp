#include "notifications.hpp"

#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

namespace app {
namespace {
std::mutex out_mutex;  // tasks run concurrently: keep their lines whole
}

void send_notification(std::string email, std::string message) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the slow part: an SMTP round trip
  std::lock_guard lock(out_mutex);
  std::cout << "  [task] notified " << email << ": " << message << '\n';
}

void broadcast_message(std::vector<std::string> recipients, Channel channel, std::string text) {
  static const char* const names[] = {"email", "sms", "push"};
  std::lock_guard lock(out_mutex);
  std::cout << "  [task] broadcast over " << names[static_cast<int>(channel)] << " to " << recipients.size()
            << " recipients: " << text << '\n';
}

}  // namespace app
