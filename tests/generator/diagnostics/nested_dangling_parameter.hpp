#pragma once
#include <string>
#include <string_view>
namespace shop {
struct Message {
  std::string to;
  std::string_view body;
};
}  // namespace shop
