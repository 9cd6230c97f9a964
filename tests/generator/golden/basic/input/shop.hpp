// Golden input: tasks declared in a header that two sources include.
#pragma once

#include <bg/task.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shop {

enum class Carrier { post, courier };
enum Legacy { first_value, second_value };

struct Receipt {
  std::string id;
};

[[bg::task]] void send_receipt(std::string email, const Receipt& receipt);
[[bg::task("ship")]] void ship_order(std::int64_t order, Carrier carrier, std::vector<std::string> items,
                                    std::optional<double> weight, std::map<std::string, Legacy> flags) noexcept;

// Overloads: only the annotated one is a task, and the generated code must
// pick it by its exact type.
void restock(int sku);
[[bg::task]] void restock(std::string sku, std::uint16_t count);

inline namespace v2 {
[[bg::task]] void archive(std::unique_ptr<Receipt> receipt, std::string&& note);
}

class Ledger {
 public:
  [[bg::task("ledger_close")]] static void close(int day);
};

}  // namespace shop
