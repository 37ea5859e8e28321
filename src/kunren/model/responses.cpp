#include <kunren/model/responses.hpp>

#include <algorithm>
#include <unordered_set>

#include <kunren/util/sha256.hpp>

namespace kunren::model {

std::string pseudonym_code(std::size_t index) {
  std::string code;
  std::size_t n = index + 1;
  while (n > 0) {
    --n;
    code.insert(code.begin(), static_cast<char>('A' + n % 26));
    n /= 26;
  }
  return code;
}

void assign_pseudonyms(std::vector<Organization>& orgs) {
  std::unordered_set<std::string> used;
  std::vector<std::pair<std::array<unsigned char, 32>, std::size_t>> todo;
  for (std::size_t i = 0; i < orgs.size(); ++i) {
    if (orgs[i].pseudonym.empty()) {
      todo.emplace_back(util::sha256("kunren-pseudonym:" + orgs[i].id), i);
    } else {
      used.insert(orgs[i].pseudonym);
    }
  }
  std::sort(todo.begin(), todo.end());
  std::size_t next = 0;
  for (const auto& [hash, i] : todo) {
    std::string code;
    do code = pseudonym_code(next++);
    while (used.count(code) > 0);
    orgs[i].pseudonym = std::move(code);
  }
}

}  // namespace kunren::model
