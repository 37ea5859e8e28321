#include <kunren/model/mapping.hpp>

namespace kunren::model {

namespace {

std::vector<std::uint8_t> by_position(const Item& from) {
  std::vector<std::uint8_t> c(from.choices.size() + 1, 0);
  for (std::size_t i = 1; i < c.size(); ++i) c[i] = static_cast<std::uint8_t>(i);
  return c;
}

}  // namespace

std::vector<ResolvedItem> resolve_mapping(const Checklist& from, const Checklist& to, const ChecklistMapping& mapping) {
  std::vector<ResolvedItem> out(from.items.size());
  std::vector<bool> listed(from.items.size(), false);
  for (const ItemMapping& m : mapping.items) {
    const auto f = from.find_item(m.from);
    if (!f) continue;
    listed[*f] = true;
    if (!m.to) continue;
    const auto t = to.find_item(*m.to);
    if (!t) continue;
    out[*f].to = *t;
    if (m.choices.empty()) {
      out[*f].choices = by_position(from.items[*f]);
    } else {
      out[*f].choices.assign(from.items[*f].choices.size() + 1, 0);
      for (const auto& [s, d] : m.choices) {
        if (s >= 1 && static_cast<std::size_t>(s) < out[*f].choices.size()) {
          out[*f].choices[s] = static_cast<std::uint8_t>(d);
        }
      }
    }
  }
  for (std::size_t i = 0; i < from.items.size(); ++i) {
    if (listed[i]) continue;
    if (const auto t = to.find_item(from.items[i].id)) {
      out[i].to = *t;
      out[i].choices = by_position(from.items[i]);
    }
  }
  return out;
}

ResponseSet map_responses(const Checklist& from, const Checklist& to, const ChecklistMapping& mapping,
                          const ResponseSet& in) {
  const std::vector<ResolvedItem> resolved = resolve_mapping(from, to, mapping);
  ResponseSet out;
  out.orgs = in.orgs;
  out.item_count = to.items.size();
  out.answers.assign(in.orgs.size() * out.item_count, k_no_answer);
  for (std::size_t o = 0; o < in.orgs.size(); ++o) {
    for (std::size_t i = 0; i < from.items.size() && i < in.item_count; ++i) {
      const ResolvedItem& r = resolved[i];
      const std::uint8_t c = in.answer(o, i);
      if (!r.to || c == 0 || c >= r.choices.size()) continue;
      out.answer(o, *r.to) = r.choices[c];
    }
  }
  for (const Comment& c : in.comments) {
    if (c.item < resolved.size() && resolved[c.item].to) {
      out.comments.push_back(Comment{c.org, static_cast<std::uint32_t>(*resolved[c.item].to), c.text});
    }
  }
  return out;
}

}  // namespace kunren::model
