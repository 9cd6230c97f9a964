// Tasks declared in a header: bg-gen finds the attribute on the declaration,
// and the generated header includes this file to reach them.
#pragma once

#include <bg/task.hpp>

#include <string>
#include <vector>

namespace app {

enum class Channel { email, sms, push };

/// Sends one notification. Runs in the background; the caller never waits.
[[bg::task]] void send_notification(std::string email, std::string message);

/// An explicit registry name, and a parameter type JSON can carry (an enum,
/// by enumerator name).
[[bg::task("broadcast")]] void broadcast_message(std::vector<std::string> recipients, Channel channel,
                                                 std::string text);

}  // namespace app
