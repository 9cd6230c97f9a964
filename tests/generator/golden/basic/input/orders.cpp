// Golden input: includes the header and defines some tasks.
#include "shop.hpp"

namespace shop {
void send_receipt(std::string, const Receipt&) {}
void ship_order(std::int64_t, Carrier, std::vector<std::string>, std::optional<double>,
                std::map<std::string, Legacy>) noexcept {}
}  // namespace shop
