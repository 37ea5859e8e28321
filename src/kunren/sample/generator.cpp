#include <kunren/sample/generator.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <yaml-cpp/yaml.h>

#include <kunren/io/csv.hpp>
#include <kunren/io/embedded.hpp>

namespace kunren::sample {
namespace {

// ---------------------------------------------------------------------------
// Random numbers. Integer-only so that every platform produces the same bytes.

constexpr std::uint64_t k_golden = 0x9e3779b97f4a7c15ULL;

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += k_golden);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A well-mixed 64-bit key from a parent key and a value: derives independent
// streams per purpose and per organisation.
std::uint64_t derive(std::uint64_t key, std::uint64_t value) {
  std::uint64_t s = key ^ (value * k_golden + 0x632be59bd9b4e019ULL);
  splitmix64(s);
  return splitmix64(s);
}

std::uint64_t hash_text(std::string_view s) {  // FNV-1a, then mixed
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return derive(h, s.size());
}

// Purposes of the derived streams; changing one changes the output.
constexpr std::uint64_t k_stream_profile = 1;
constexpr std::uint64_t k_stream_industry = 2;
constexpr std::uint64_t k_stream_answers = 3;
constexpr std::uint64_t k_stream_names = 4;

class Rng {  // xoshiro256**
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : m_s) word = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
  }
  // Uniform in [0, n): Lemire's multiply-shift on the high 32 bits.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  bool chance(int per_million) { return static_cast<int>(below(1'000'000)) < per_million; }
  // Approximately standard normal, in thousandths (Irwin–Hall: four 16-bit
  // uniforms from one draw; range about ±3.46 sd).
  int normal_milli() {
    const std::uint64_t r = next();
    const std::int64_t sum = static_cast<std::int64_t>((r & 0xffff) + ((r >> 16) & 0xffff) +
                                                       ((r >> 32) & 0xffff) + (r >> 48));
    return static_cast<int>((sum - 131070) * 1000 / 37837);
  }
  int normal_milli(int sd_milli) { return normal_milli() * sd_milli / 1000; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> m_s{};
};

// ---------------------------------------------------------------------------
// Organisations.

constexpr std::size_t k_industry_count = std::size(k_industries);

// Maturity bonus (thousandths of an sd) per size band and per industry
// (order of k_size_bands / k_industries). Larger plants and regulated or
// supplier-audited industries tend to be a little further along.
constexpr std::array<int, 4> k_size_bonus = {-300, -100, 100, 280};
constexpr std::array<int, 6> k_industry_bonus = {80, -40, 40, 120, 150, -150};
// Participation by size band, per mille: larger companies join more often.
constexpr std::array<int, 4> k_size_weight = {150, 250, 330, 270};

// Company name parts: an invented stem + an industry word. The stems are
// poetic compounds chosen not to be names of real companies.
constexpr std::array<std::string_view, 48> k_name_stems = {
    "蒼嶺", "翠光", "朱鷺野", "白凪", "瑞雲", "天羽", "千景", "紫苑", "青嵐", "朝凪", "碧洋", "銀杏",
    "若葉台", "春霞", "黎明", "星雲", "月輪", "光琳", "松籟", "竹韻", "梅香", "柊木", "椿森", "葵丘",
    "雪嶺", "霧峰", "風早", "汐見", "浜風", "鷹栖", "雲雀", "白樺", "楓林", "桜雲", "藤波", "菖蒲",
    "朝霧", "夕凪", "彩雲", "清流", "翔陽", "悠久", "遥峰", "澄峰", "玲瓏", "翠巒", "瑠璃野", "藍浜"};
constexpr std::size_t k_stem_stride = 29;  // coprime to 48: the first 48 stems are all different

constexpr std::array<std::array<std::string_view, 3>, 6> k_company_words = {{
    {"化成", "ケミカル", "化学工業"},
    {"製鋼", "鋼業", "スチール"},
    {"電機", "精機", "電子工業"},
    {"製薬", "ファーマ", "薬品工業"},
    {"自動車", "モーター", "車体工業"},
    {"機械", "工機", "重機"},
}};
constexpr std::array<std::array<std::string_view, 3>, 6> k_plant_words = {{
    {"工場", "工場", "事業所"},
    {"工場", "製造所", "事業所"},
    {"工場", "事業所", "製作所"},
    {"工場", "工場", "研究生産センター"},
    {"工場", "工場", "製作所"},
    {"工場", "製作所", "事業所"},
}};
constexpr std::array<std::string_view, 28> k_places = {
    "鹿島", "水島", "四日市", "堺", "姫路", "君津", "富山", "大分", "岩国", "徳山",
    "千葉", "川崎", "豊田", "浜松", "甲府", "郡山", "北上", "小牧", "福山", "岡山",
    "新居浜", "三島", "宇部", "苫小牧", "鈴鹿", "太田", "熊谷", "米沢"};

struct Profile {
  std::size_t industry = 0;
  std::size_t size = 0;
  int maturity = 0;  // thousandths of an sd
  std::size_t stem = 0;
  std::size_t company_word = 0;
  std::size_t place = 0;
  std::size_t plant_word = 0;
};

// Industries rotate in blocks of six, each block a random permutation, with
// an occasional random swap so the rotation is not perfectly even.
std::size_t industry_of(std::uint64_t seed, std::size_t index) {
  Rng block(derive(derive(seed, k_stream_industry), index / k_industry_count));
  std::array<std::size_t, k_industry_count> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size() - 1; i > 0; --i) {
    std::swap(order[i], order[block.below(static_cast<std::uint32_t>(i + 1))]);
  }
  Rng own(derive(derive(seed, k_stream_industry), ~static_cast<std::uint64_t>(index)));
  if (own.chance(60'000)) return own.below(k_industry_count);
  return order[index % k_industry_count];
}

Profile profile_of(std::uint64_t seed, std::size_t index) {
  Profile p;
  p.industry = industry_of(seed, index);
  Rng r(derive(derive(seed, k_stream_profile), index));
  int pick = static_cast<int>(r.below(1000));
  for (p.size = 0; p.size + 1 < k_size_weight.size() && pick >= k_size_weight[p.size]; ++p.size) {
    pick -= k_size_weight[p.size];
  }
  p.maturity = r.normal_milli(550) + k_size_bonus[p.size] + k_industry_bonus[p.industry];
  const std::uint64_t stem_offset = derive(seed, k_stream_names) % k_name_stems.size();
  p.stem = (index * k_stem_stride + stem_offset) % k_name_stems.size();
  p.company_word = r.below(3);
  p.place = r.below(k_places.size());
  p.plant_word = r.below(3);
  return p;
}

std::string org_id(std::size_t index, std::size_t width) {
  std::string digits = std::to_string(index + 1);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return "ORG-" + digits;
}

std::size_t id_width(std::size_t orgs) {
  return std::max<std::size_t>(4, std::to_string(orgs).size());
}

std::string org_name(const Profile& p) {
  std::string name;
  name.append(k_name_stems[p.stem]);
  name.append(k_company_words[p.industry][p.company_word]);
  name.push_back(' ');
  name.append(k_places[p.place]);
  name.append(k_plant_words[p.industry][p.plant_word]);
  return name;
}

// ---------------------------------------------------------------------------
// CSV output (fields quoted by io::append_csv_field).

void append_uint(std::string& out, unsigned v) {
  char buf[10];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

// Collects output and hands it to the stream in large chunks.
class ChunkWriter {
 public:
  static constexpr std::size_t k_chunk = std::size_t{1} << 20;
  explicit ChunkWriter(std::ostream& out) : m_out(out) { m_buf.reserve(k_chunk + 64 * 1024); }
  std::string& buf() { return m_buf; }
  bool maybe_flush() { return m_buf.size() < k_chunk || flush(); }
  bool flush() {
    if (!m_buf.empty()) m_out.write(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
    m_buf.clear();
    return static_cast<bool>(m_out);
  }
  bool finish() { return flush() && static_cast<bool>(m_out.flush()); }

 private:
  std::ostream& m_out;
  std::string m_buf;
};

// ---------------------------------------------------------------------------
// Answer model.

constexpr int k_level_count = 4;  // indexes follow model::Level

// Section difficulty (thousandths of an sd; + = easier), after DOMAIN.md §3.
struct SectionEffect {
  std::string_view id;
  int effect;
};
constexpr std::array<SectionEffect, 13> k_section_effects = {{
    {"p0-prep", 450},
    {"p1-drill-prep", 300},
    {"p2-detect", 350},
    {"p3-situation", -450},
    {"p4-production", -300},
    {"p5-contain", -500},
    {"p6-external", -550},
    {"p7-recovery", -450},
    {"p8-restart", -500},
    {"p9-after", 0},
    {"o1-daily", 100},
    {"o2-drill", 250},
    {"o3-external", -550},
}};

int section_effect(std::string_view id) {
  for (const auto& s : k_section_effects) {
    if (s.id == id) return s.effect;
  }
  return 0;
}

// Latent score bands: above k_good_from → good; above k_poor_below → partial.
constexpr int k_good_from = 300;
constexpr int k_poor_below = -600;
constexpr int k_band_width = 900;  // used to spread several choices of one level

constexpr int k_item_noise_sd = 550;
constexpr int k_org_section_sd = 350;
constexpr int k_item_effect_range = 700;  // item effect uniform in ±350

constexpr int k_blank_cell_ppm = 10'000;
constexpr int k_blank_section_ppm = 40'000;
constexpr int k_early_stop_ppm = 220'000;  // drills that end before the last phase
constexpr int k_na_first_ppm = 20'000;     // occasional na, first implementation phase …
constexpr int k_na_last_ppm = 100'000;     // … rising to this in the last one
constexpr int k_na_overall_ppm = 30'000;
// Comment propensity per organisation: uniform in [40, 360) ‰, mean 20%,
// scaled by the answer level: evaluators write more about what went wrong.
constexpr int k_comment_min_ppm = 40'000;
constexpr int k_comment_span_ppm = 320'000;
constexpr std::array<int, k_level_count> k_comment_level_permille = {800, 1080, 1250, 900};

struct ItemPlan {
  std::string prefix;         // "<item>," CSV-quoted
  std::size_t section = 0;    // index into Checklist::sections
  int phase = -1;             // position among implementation sections; -1 for overall
  int base = 0;               // section + item effect
  int na_ppm = 0;             // occasional na when reached
  std::uint8_t na_choice = 0;  // 0: the item has no na choice
  // Choice numbers for a wanted level, best first; the nearest level when the
  // item has none of that level. kPartial may be empty: resolved per answer.
  std::array<std::vector<std::uint8_t>, 3> by_level;
  std::vector<model::Level> levels;  // level of choice no, at [no - 1]
};

struct Plan {
  std::vector<ItemPlan> items;
  std::size_t sections = 0;
  int phases = 0;  // implementation sections
};

Result<Plan> make_plan(const model::Checklist& checklist) {
  if (checklist.items.empty()) {
    return Status::bad_input("checklist '" + checklist.id + "' has no items");
  }
  Plan plan;
  plan.sections = std::max<std::size_t>(checklist.sections.size(), 1);
  std::vector<int> phase_of(checklist.sections.size(), -1);
  for (std::size_t s = 0; s < checklist.sections.size(); ++s) {
    if (checklist.sections[s].category == model::Category::kImplementation) phase_of[s] = plan.phases++;
  }
  plan.items.reserve(checklist.items.size());
  for (const auto& item : checklist.items) {
    if (item.choices.empty() || item.choices.size() > 255) {
      return Status::bad_input("item '" + item.id + "' must have 1 to 255 choices",
                               Location{"", 0, 0, item.id});
    }
    ItemPlan ip;
    io::append_csv_field(ip.prefix, item.id);
    ip.prefix.push_back(',');
    ip.section = item.section_index < checklist.sections.size() ? item.section_index : 0;
    const bool known_section = item.section_index < checklist.sections.size();
    ip.phase = known_section ? phase_of[ip.section] : -1;
    const std::uint64_t h = hash_text(item.id);
    ip.base = (known_section ? section_effect(checklist.sections[ip.section].id) : 0) +
              static_cast<int>(h % (k_item_effect_range + 1)) - k_item_effect_range / 2;
    if (ip.phase < 0) {
      ip.na_ppm = k_na_overall_ppm;
    } else {
      const int span = std::max(plan.phases - 1, 1);
      ip.na_ppm = k_na_first_ppm + (k_na_last_ppm - k_na_first_ppm) * ip.phase / span;
    }
    std::array<std::vector<std::uint8_t>, 3> exact;
    for (std::size_t c = 0; c < item.choices.size(); ++c) {
      const auto no = static_cast<std::uint8_t>(c + 1);
      const auto level = item.choices[c].level;
      ip.levels.push_back(level);
      if (level == model::Level::kNa) {
        if (ip.na_choice == 0) ip.na_choice = no;
      } else {
        exact[static_cast<int>(level)].push_back(no);
      }
    }
    const int good = static_cast<int>(model::Level::kGood);
    const int partial = static_cast<int>(model::Level::kPartial);
    const int poor = static_cast<int>(model::Level::kPoor);
    ip.by_level[good] = !exact[good].empty() ? exact[good] : !exact[partial].empty() ? exact[partial] : exact[poor];
    ip.by_level[poor] = !exact[poor].empty() ? exact[poor] : !exact[partial].empty() ? exact[partial] : exact[good];
    ip.by_level[partial] = exact[partial];
    plan.items.push_back(std::move(ip));
  }
  return plan;
}

// ---------------------------------------------------------------------------
// Comments.

constexpr std::string_view k_comments_file = "data/sample/comments.yaml";
constexpr std::size_t k_max_pool = 64;  // texts per list: one bit each in a std::uint64_t
constexpr std::uint32_t k_none = ~std::uint32_t{0};

// Where the comments for one (item, level) come from.
struct CommentSource {
  std::uint32_t pool = k_none;    // index into CommentTable::pools; k_none: no comments
  std::uint32_t shared = k_none;  // slot for pools that several (item, level)s use, else k_none
};

struct CommentTable {
  std::vector<std::vector<std::string>> pools;  // CSV-ready (already quoted) texts, ≤ 64 each
  std::vector<CommentSource> sources;           // [item * k_level_count + level]
  std::size_t shared_pools = 0;
};

using LevelLists = std::array<std::vector<std::string>, k_level_count>;

// Reads a map of <key>: {<level>: [text, …]} into `out`.
Status read_groups(const YAML::Node& node, std::string_view what, std::map<std::string, LevelLists>& out) {
  const auto fail = [&](std::string_view key, std::string_view problem) {
    std::string message(k_comments_file);
    message.append(": ").append(what);
    if (!key.empty()) message.append(" '").append(key).append("'");
    return Status::internal(message.append(": ").append(problem));
  };
  if (!node.IsMap()) return fail("", "not a map");
  for (const auto& group : node) {
    const auto key = group.first.as<std::string>();
    if (!group.second.IsMap()) return fail(key, "not a map of levels");
    auto& levels = out[key];
    for (const auto& entry : group.second) {
      const auto name = entry.first.as<std::string>();
      const auto level = model::parse_level(name);
      if (!level) return fail(key, "unknown level '" + name + "'");
      auto& list = levels[static_cast<int>(*level)];
      for (const auto& text : entry.second) {
        std::string field;
        io::append_csv_field(field, text.as<std::string>());
        list.push_back(std::move(field));
      }
      if (list.size() > k_max_pool) return fail(key, name + ": more than 64 texts");
    }
  }
  return Status::ok();
}

Result<CommentTable> load_comments(const model::Checklist& checklist) {
  const auto& files = io::embedded_files();
  const auto it = files.find(k_comments_file);
  if (it == files.end()) return Status::internal(std::string(k_comments_file) + " is not embedded");
  std::map<std::string, LevelLists> sections;  // "comments:" — by section id, and "default"
  std::map<std::string, LevelLists> items;     // "items:" — by item id
  try {
    const YAML::Node root = YAML::Load(std::string(it->second));
    const YAML::Node comments = root["comments"];
    if (!comments || !comments.IsMap()) {
      return Status::internal(std::string(k_comments_file) + ": no 'comments' map");
    }
    KUNREN_RETURN_IF_ERROR(read_groups(comments, "comments", sections));
    if (const YAML::Node by_item = root["items"]) KUNREN_RETURN_IF_ERROR(read_groups(by_item, "items", items));
  } catch (const YAML::Exception& e) {
    return Status::internal(std::string(k_comments_file) + ": " + e.what());
  }

  // Each list becomes one pool, the first time an (item, level) uses it.
  CommentTable table;
  std::map<const std::vector<std::string>*, std::uint32_t> pool_of;
  std::vector<std::uint32_t> users;  // per pool: how many (item, level)s draw from it
  const auto fallback = sections.find("default");
  const auto non_empty = [](const auto& map_it, const auto& map, int level) -> const std::vector<std::string>* {
    return map_it != map.end() && !map_it->second[level].empty() ? &map_it->second[level] : nullptr;
  };
  table.sources.resize(checklist.items.size() * k_level_count);
  for (std::size_t i = 0; i < checklist.items.size(); ++i) {
    const auto& item = checklist.items[i];
    const auto own = items.find(item.id);
    const auto section = item.section_index < checklist.sections.size()
                             ? sections.find(checklist.sections[item.section_index].id)
                             : sections.end();
    for (int l = 0; l < k_level_count; ++l) {
      const std::vector<std::string>* list = non_empty(own, items, l);
      if (list == nullptr) list = non_empty(section, sections, l);
      if (list == nullptr) list = non_empty(fallback, sections, l);
      if (list == nullptr) continue;
      auto [pos, added] = pool_of.try_emplace(list, static_cast<std::uint32_t>(table.pools.size()));
      if (added) {
        table.pools.push_back(*list);
        users.push_back(0);
      }
      ++users[pos->second];
      table.sources[i * k_level_count + l].pool = pos->second;
    }
  }
  // Pools used by several (item, level)s get a slot for the per-organisation
  // "already said" mask; an item's own pool needs none (one cell per organisation).
  std::vector<std::uint32_t> slot(table.pools.size(), k_none);
  for (std::size_t p = 0; p < users.size(); ++p) {
    if (users[p] > 1) slot[p] = static_cast<std::uint32_t>(table.shared_pools++);
  }
  for (auto& source : table.sources) {
    if (source.pool != k_none) source.shared = slot[source.pool];
  }
  return table;
}

// ---------------------------------------------------------------------------
// One organisation's rows.

class OrgWriter {
 public:
  OrgWriter(const Plan& plan, const CommentTable* comments)
      : m_plan(plan), m_comments(comments), m_section_effect(plan.sections),
        m_item_used(comments != nullptr ? comments->sources.size() : 0),
        m_org_used(comments != nullptr ? comments->shared_pools : 0) {}

  void write(std::uint64_t seed, std::size_t index, std::string_view org_prefix, std::string& out) {
    const Profile profile = profile_of(seed, index);
    Rng r(derive(derive(seed, k_stream_answers), index));

    // The drill's reach: the last implementation phase it got to.
    int last_phase = m_plan.phases - 1;
    if (m_plan.phases >= 4 && r.chance(std::clamp(k_early_stop_ppm - profile.maturity * 80, 50'000, 400'000))) {
      const int lo = m_plan.phases / 2;
      const int hi = std::max(lo, m_plan.phases - 3);
      last_phase = lo + static_cast<int>(r.below(static_cast<std::uint32_t>(hi - lo + 1)));
    }
    const std::size_t blank_section =
        r.chance(k_blank_section_ppm) ? r.below(static_cast<std::uint32_t>(m_plan.sections)) : m_plan.sections;
    const int comment_ppm = k_comment_min_ppm + static_cast<int>(r.below(k_comment_span_ppm));
    for (auto& e : m_section_effect) e = r.normal_milli(k_org_section_sd);
    std::fill(m_org_used.begin(), m_org_used.end(), 0);

    for (std::size_t item_index = 0; item_index < m_plan.items.size(); ++item_index) {
      const ItemPlan& item = m_plan.items[item_index];
      out.append(org_prefix);
      out.append(item.prefix);
      // Draw every random number for every cell, used or not, so that one
      // cell's outcome never shifts the stream for the next.
      const bool blank_cell = r.chance(k_blank_cell_ppm);
      const bool random_na = r.chance(item.na_ppm);
      const int z = profile.maturity + item.base + m_section_effect[item.section] + r.normal_milli(k_item_noise_sd);
      const std::uint64_t comment_draw = r.next();
      if (blank_cell || item.section == blank_section) {
        out.append(",\n");
        continue;
      }
      std::uint8_t choice = 0;
      model::Level level = model::Level::kNa;
      if (item.na_choice != 0 && ((item.phase > last_phase) || random_na)) {
        choice = item.na_choice;
      } else {
        std::tie(choice, level) = pick(item, z);
        if (choice == 0) choice = item.na_choice;  // the item has only na choices
      }
      append_uint(out, choice);
      out.push_back(',');
      if (m_comments != nullptr) {
        const int lvl = static_cast<int>(level);
        const int ppm = comment_ppm * k_comment_level_permille[lvl] / 1000;
        if (static_cast<int>(((comment_draw >> 32) * 1'000'000) >> 32) < ppm) {
          append_comment(item_index * k_level_count + static_cast<std::size_t>(lvl),
                         static_cast<std::uint32_t>(comment_draw), out);
        }
      }
      out.push_back('\n');
    }
  }

 private:
  // The choice (and its level) for latent score z.
  std::pair<std::uint8_t, model::Level> pick(const ItemPlan& item, int z) const {
    int wanted = 0;
    int top = 0;  // upper end of the wanted band
    if (z >= k_good_from) {
      wanted = static_cast<int>(model::Level::kGood);
      top = k_good_from + k_band_width;
    } else if (z >= k_poor_below) {
      wanted = static_cast<int>(model::Level::kPartial);
      top = k_good_from;
    } else {
      wanted = static_cast<int>(model::Level::kPoor);
      top = k_poor_below;
    }
    const std::vector<std::uint8_t>* candidates = &item.by_level[wanted];
    if (candidates->empty() && wanted == static_cast<int>(model::Level::kPartial)) {
      const bool upper = z >= (k_good_from + k_poor_below) / 2;
      candidates = &item.by_level[static_cast<int>(upper ? model::Level::kGood : model::Level::kPoor)];
    }
    if (candidates->empty()) return {0, model::Level::kNa};
    // Several choices of one level: the higher z within the band, the better.
    const int n = static_cast<int>(candidates->size());
    const int pos = std::clamp((top - z) * n / k_band_width, 0, n - 1);
    const std::uint8_t no = (*candidates)[pos];
    return {no, item.levels[no - 1]};
  }

  // Appends a comment for (item, level) from its pool: one not yet given to
  // an earlier organisation for this item and level (the pool refills once
  // all have been used, never starting with the text just used), and, for a
  // pool that several items share, not yet used by this organisation either
  // when the pool allows. `draw` picks uniformly among the candidates.
  void append_comment(std::size_t item_level, std::uint32_t draw, std::string& out) {
    const CommentSource source = m_comments->sources[item_level];
    if (source.pool == k_none) return;
    const auto& list = m_comments->pools[source.pool];
    const std::uint64_t all = list.size() >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << list.size()) - 1;
    std::uint64_t& used = m_item_used[item_level];
    std::uint64_t* org_used = source.shared != k_none ? &m_org_used[source.shared] : nullptr;
    std::uint64_t candidates = all & ~used;
    if (org_used != nullptr && (candidates & ~*org_used) != 0) candidates &= ~*org_used;
    if (candidates == 0) candidates = all;  // a single-text pool
    // The k-th candidate, k uniform below their count (a handful: count by
    // clearing bits rather than through a library call for std::popcount).
    std::uint64_t count = 0;
    for (std::uint64_t rest = candidates; rest != 0; rest &= rest - 1) ++count;
    for (std::uint64_t k = (std::uint64_t{draw} * count) >> 32; k > 0; --k) candidates &= candidates - 1;
    const std::uint64_t bit = candidates & (~candidates + 1);
    used |= bit;
    if (used == all) used = bit;  // all used: refill, but not with the text just used
    if (org_used != nullptr) *org_used |= bit;
    out.append(list[static_cast<std::size_t>(std::countr_zero(bit))]);
  }

  const Plan& m_plan;
  const CommentTable* m_comments;
  std::vector<int> m_section_effect;
  std::vector<std::uint64_t> m_item_used;  // per (item, level): texts given to earlier organisations
  std::vector<std::uint64_t> m_org_used;   // per shared pool: texts this organisation has used
};

}  // namespace

std::vector<model::Organization> sample_organizations(const SampleOptions& options) {
  std::vector<model::Organization> orgs;
  orgs.reserve(options.orgs);
  const std::size_t width = id_width(options.orgs);
  for (std::size_t i = 0; i < options.orgs; ++i) {
    const Profile p = profile_of(options.seed, i);
    model::Organization org;
    org.id = org_id(i, width);
    org.name = org_name(p);
    org.industry = k_industries[p.industry];
    org.size = k_size_bands[p.size];
    orgs.push_back(std::move(org));
  }
  return orgs;
}

double sample_maturity(const SampleOptions& options, std::size_t index) {
  return profile_of(options.seed, index).maturity / 1000.0;
}

Status write_sample_responses(const model::Checklist& checklist, const SampleOptions& options,
                              std::ostream& out) {
  auto plan = make_plan(checklist);
  if (!plan) return plan.status();
  CommentTable comments;
  if (options.comments) {
    auto loaded = load_comments(checklist);
    if (!loaded) return loaded.status();
    comments = std::move(loaded).value();
  }
  if (!out) return Status::io_error("cannot write the sample responses: the output stream has failed");

  ChunkWriter writer(out);
  std::string& buf = writer.buf();
  buf.append("org,item,choice,comment\n");
  OrgWriter org_writer(*plan, options.comments ? &comments : nullptr);
  const std::size_t width = id_width(options.orgs);
  std::string prefix;
  for (std::size_t i = 0; i < options.orgs; ++i) {
    prefix = org_id(i, width);
    prefix.push_back(',');
    org_writer.write(options.seed, i, prefix, buf);
    if (!writer.maybe_flush()) break;
  }
  if (!writer.finish()) return Status::io_error("writing the sample responses failed");
  return Status::ok();
}

Status write_sample_orgs(const SampleOptions& options, std::ostream& out) {
  if (!out) return Status::io_error("cannot write the sample organisations: the output stream has failed");
  ChunkWriter writer(out);
  std::string& buf = writer.buf();
  buf.append("org,name,industry,size\n");
  const std::size_t width = id_width(options.orgs);
  for (std::size_t i = 0; i < options.orgs; ++i) {
    const Profile p = profile_of(options.seed, i);
    buf.append(org_id(i, width));
    buf.push_back(',');
    io::append_csv_field(buf, org_name(p));
    buf.push_back(',');
    io::append_csv_field(buf, k_industries[p.industry]);
    buf.push_back(',');
    io::append_csv_field(buf, k_size_bands[p.size]);
    buf.push_back('\n');
    if (!writer.maybe_flush()) break;
  }
  if (!writer.finish()) return Status::io_error("writing the sample organisations failed");
  return Status::ok();
}

}  // namespace kunren::sample
