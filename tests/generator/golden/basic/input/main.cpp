// Golden input: includes the generated header, which does not exist on the
// first run and is stale on the second, and calls tasks in a body.
#include "bg_tasks.hpp"
#include "shop.hpp"

int main() {
  tasks::send_receipt.later("a@b.c", shop::Receipt{"r-1"});
  tasks::ship.later(1, shop::Carrier::post, std::vector<std::string>{}, 1.5, std::map<std::string, shop::Legacy>{});
}
