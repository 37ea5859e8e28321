#include <kunren/io/msel_csv.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <iterator>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include <kunren/io/csv.hpp>
#include <kunren/io/scenario_io.hpp>
#include <kunren/util/file.hpp>

namespace kunren::io {
namespace {

constexpr std::string_view k_ideographic_space = "\xE3\x80\x80";

// Trims ASCII blanks and U+3000 at both ends.
std::string_view trim(std::string_view s) {
  while (true) {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
    } else if (s.starts_with(k_ideographic_space)) {
      s.remove_prefix(k_ideographic_space.size());
    } else {
      break;
    }
  }
  while (true) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
    } else if (s.ends_with(k_ideographic_space)) {
      s.remove_suffix(k_ideographic_space.size());
    } else {
      break;
    }
  }
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A header or option name as compared: trimmed, ASCII lower case, ' ' and '-' as '_'.
std::string normalize(std::string_view s) {
  std::string out = lower_ascii(trim(s));
  for (char& c : out) {
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

// Splits at any of the separators (ASCII characters or UTF-8 sequences);
// parts are trimmed, empty parts dropped.
std::vector<std::string> split(std::string_view s, std::string_view ascii, std::initializer_list<std::string_view> wide) {
  std::vector<std::string> out;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    std::string_view part = trim(s.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
  };
  for (std::size_t i = 0; i < s.size();) {
    if (ascii.find(s[i]) != std::string_view::npos) {
      flush(i);
      start = ++i;
      continue;
    }
    bool matched = false;
    for (std::string_view w : wide) {
      if (s.substr(i).starts_with(w)) {
        flush(i);
        i += w.size();
        start = i;
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
  flush(s.size());
  return out;
}

std::vector<std::string> split_ids(std::string_view s) {
  return split(s, ";, \t\r\n", {"\xE3\x80\x81", "\xEF\xBC\x8C", "\xEF\xBC\x9B", k_ideographic_space});
}

struct FieldNames {
  std::string_view field;
  std::vector<std::string_view> headers;  // normalized
};

const std::vector<FieldNames>& field_table() {
  static const std::vector<FieldNames> k_table = {
      {"id", {"id", "番号", "inject_id"}},
      {"at", {"at", "time", "時刻", "シナリオ時刻", "scenario_time"}},
      {"phase", {"phase", "フェーズ"}},
      {"from", {"from", "発信者", "送信者"}},
      {"to", {"to", "宛先", "対象"}},
      {"title", {"title", "件名", "タイトル"}},
      {"title_ja", {"title_ja"}},
      {"title_en", {"title_en"}},
      {"body", {"body", "内容", "付与情報"}},
      {"body_ja", {"body_ja"}},
      {"body_en", {"body_en"}},
      {"delivery", {"delivery", "手段", "伝達手段"}},
      {"expects", {"expects", "期待される対応", "expected_action", "expected_actions"}},
      {"links", {"links", "関連項目", "チェック項目"}},
      {"decision_points", {"decision_points", "判断ポイント"}},
      {"contingency", {"contingency", "条件付き"}},
      {"notes", {"notes", "備考", "メモ"}},
      {"notes_ja", {"notes_ja"}},
      {"notes_en", {"notes_en"}},
  };
  return k_table;
}

std::optional<model::Delivery> parse_delivery_cell(std::string_view s) {
  const std::string v = lower_ascii(s);
  if (auto d = model::parse_delivery(v)) return d;
  if (v == "電話") return model::Delivery::kPhone;
  if (v == "メール" || v == "email" || v == "e-mail") return model::Delivery::kMail;
  if (v == "警報" || v == "アラーム") return model::Delivery::kAlarm;
  if (v == "口頭") return model::Delivery::kVerbal;
  if (v == "システム") return model::Delivery::kSystem;
  return std::nullopt;
}

std::optional<model::ActionKind> parse_kind_cell(std::string_view s) {
  const std::string v = lower_ascii(s);
  if (auto k = model::parse_action_kind(v)) return k;
  if (v == "報告") return model::ActionKind::kReport;
  if (v == "判断" || v == "意思決定") return model::ActionKind::kDecision;
  if (v == "連絡") return model::ActionKind::kContact;
  if (v == "証拠保全" || v == "証拠") return model::ActionKind::kEvidence;
  if (v == "メモ" || v == "記録") return model::ActionKind::kNote;
  return std::nullopt;
}

// Where the injects came from: the CSV row of each, the header of each field.
class CsvSource : public ScenarioSource {
 public:
  std::string filename;
  std::vector<std::uint64_t> lines;            // per inject, as read
  std::map<std::string, std::string> headers;  // field → header as written
  std::unordered_set<std::string> failed_keys;

  Location locate(std::string_view key, std::string field) const override {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= key.size();) {
      std::size_t end = key.find('/', start);
      if (end == std::string_view::npos) end = key.size();
      parts.push_back(key.substr(start, end - start));
      start = end + 1;
    }
    std::size_t index = 0;
    if (parts.size() >= 2 && parts[0] == "injects" &&
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), index).ec == std::errc{} &&
        index < lines.size()) {
      std::string header =
          parts.size() >= 3 ? header_for(parts[2], parts.size() >= 4 ? parts[3] : std::string_view{}) : "";
      return Location{filename, lines[index], 0, header.empty() ? std::move(field) : std::move(header)};
    }
    // A part of the base scenario.
    return Location{{}, 0, 0, std::move(field)};
  }
  bool failed(std::string_view key) const override { return failed_keys.count(std::string(key)) > 0; }

  std::string header_for(std::string_view field, std::string_view sub) const {
    auto get = [&](const std::string& f) -> std::optional<std::string> {
      auto it = headers.find(f);
      if (it == headers.end()) return std::nullopt;
      return it->second;
    };
    if (field == "title" || field == "body" || field == "notes") {
      if (!sub.empty()) {
        if (auto h = get(fmt::format("{}_{}", field, sub))) return *h;
      }
      for (const char* suffix : {"", "_ja", "_en"}) {
        if (auto h = get(fmt::format("{}{}", field, suffix))) return *h;
      }
      return {};
    }
    return get(std::string(field)).value_or("");
  }
};

struct Column {
  std::string field;  // "" = ignored
  std::string header;
};

class Importer {
 public:
  Importer(std::string filename, const MselOptions& options) : m_filename(std::move(filename)), m_options(options) {
    m_source.filename = m_filename;
  }

  Status header(CsvReader& reader, std::vector<std::string_view>& f, Warnings* warnings);
  void row(const std::vector<std::string_view>& f, std::uint64_t line);

  std::vector<Status>& problems() { return m_problems; }
  std::vector<model::Inject>& injects() { return m_injects; }
  CsvSource& source() { return m_source; }

 private:
  void problem(std::uint64_t line, std::string_view field, std::string message) {
    std::string header = m_source.header_for(field, {});
    m_problems.push_back(
        Status::bad_input(std::move(message), Location{m_filename, line, 0, header.empty() ? std::string(field) : header}));
  }
  std::string key(std::string_view field) const { return fmt::format("injects/{}/{}", m_injects.size(), field); }

  std::string m_filename;
  const MselOptions& m_options;
  std::vector<Column> m_columns;
  CsvSource m_source;
  std::vector<Status> m_problems;
  std::vector<model::Inject> m_injects;
};

Status Importer::header(CsvReader& reader, std::vector<std::string_view>& f, Warnings* warnings) {
  if (!reader.next(f)) {
    if (!reader.status().is_ok()) return reader.status();
    return Status::bad_input("the file is empty; expected a header line", Location{m_filename, 1, 0, {}});
  }
  const std::uint64_t line = reader.record_line();
  // Explicit mapping first: field → normalized header.
  std::map<std::string, std::string> mapped;
  for (const auto& [field, header] : m_options.columns) {
    const auto& fields = msel_fields();
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      std::string all;
      for (const auto& x : fields) all += (all.empty() ? "" : ", ") + x;
      return Status::bad_input(fmt::format("--map {}={}: unknown field '{}'; fields are: {}", field, header, field, all),
                               Location{{}, 0, 0, "--map"});
    }
    mapped.emplace(field, normalize(header));
  }
  std::vector<std::string> ignored;
  for (std::size_t i = 0; i < f.size(); ++i) {
    Column c;
    c.header = std::string(trim(f[i]));
    const std::string name = normalize(f[i]);
    for (const auto& [field, header] : mapped) {
      if (header == name) c.field = field;
    }
    if (c.field.empty()) {
      for (const auto& entry : field_table()) {
        if (mapped.count(std::string(entry.field)) > 0) continue;
        if (std::find(entry.headers.begin(), entry.headers.end(), name) != entry.headers.end()) {
          c.field = std::string(entry.field);
        }
      }
    }
    if (c.field.empty()) {
      ignored.push_back(c.header.empty() ? fmt::format("(column {})", i + 1) : c.header);
    } else {
      for (std::size_t j = 0; j < m_columns.size(); ++j) {
        if (m_columns[j].field == c.field) {
          return Status::bad_input(fmt::format("columns '{}' (column {}) and '{}' (column {}) both give the {}",
                                               m_columns[j].header, j + 1, c.header, i + 1, c.field),
                                   Location{m_filename, line, 0, c.header});
        }
      }
      m_source.headers.emplace(c.field, c.header);
    }
    m_columns.push_back(std::move(c));
  }
  for (const auto& [field, header] : m_options.columns) {
    if (m_source.headers.count(field) == 0) {
      std::string all;
      for (const auto& c : m_columns) all += (all.empty() ? "" : ", ") + c.header;
      return Status::bad_input(
          fmt::format("--map {}={}: the header has no column '{}'; its columns are: {}", field, header, header, all),
          Location{m_filename, line, 0, "--map"});
    }
  }
  for (const char* text : {"title", "body", "notes"}) {
    const std::string same = fmt::format("{}_{}", text, m_options.lang);
    if (m_source.headers.count(text) > 0 && m_source.headers.count(same) > 0) {
      return Status::bad_input(fmt::format("columns '{}' and '{}' both give the {} in '{}' (plain text columns are "
                                           "read as --lang {})",
                                           m_source.headers[text], m_source.headers[same], text, m_options.lang,
                                           m_options.lang),
                               Location{m_filename, line, 0, m_source.headers[same]});
    }
  }
  std::vector<std::string> missing;
  if (m_source.headers.count("id") == 0) missing.emplace_back("id (id, ID, 番号)");
  if (m_source.headers.count("at") == 0) missing.emplace_back("at (at, time, 時刻, シナリオ時刻)");
  if (m_source.headers.count("title") == 0 && m_source.headers.count("title_ja") == 0 &&
      m_source.headers.count("title_en") == 0) {
    missing.emplace_back("title (title, 件名, タイトル, or title_ja / title_en)");
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : "; ") + m;
    return Status::bad_input(
        fmt::format("missing required column{}: {}; name a column with --map FIELD=HEADER", missing.size() > 1 ? "s" : "",
                    list),
        Location{m_filename, line, 0, {}});
  }
  if (!ignored.empty() && warnings != nullptr) {
    std::string list;
    for (const auto& x : ignored) list += (list.empty() ? "" : ", ") + x;
    warnings->push_back(Warning{Location{m_filename, line, 0, {}},
                                fmt::format("ignored column{} that name{} no inject field: {} (map one with --map "
                                            "FIELD=HEADER)",
                                            ignored.size() > 1 ? "s" : "", ignored.size() > 1 ? "" : "s", list)});
  }
  return Status::ok();
}

void Importer::row(const std::vector<std::string_view>& f, std::uint64_t line) {
  if (f.size() != m_columns.size()) {
    m_problems.push_back(Status::bad_input(
        fmt::format("row has {} fields but the header has {}", f.size(), m_columns.size()), Location{m_filename, line}));
    return;
  }
  if (std::all_of(f.begin(), f.end(), [](std::string_view cell) { return trim(cell).empty(); })) return;

  model::Inject inj;
  std::map<std::string, std::string_view> cells;  // field → cell (trimmed)
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (!m_columns[i].field.empty()) cells.emplace(m_columns[i].field, trim(f[i]));
  }
  auto cell = [&](std::string_view field) -> std::string_view {
    auto it = cells.find(std::string(field));
    return it == cells.end() ? std::string_view{} : it->second;
  };
  inj.id = std::string(cell("id"));
  const std::string what = inj.id.empty() ? fmt::format("the inject on line {}", line) : "inject " + inj.id;

  if (cell("at").empty()) {
    problem(line, "at", fmt::format("{} has no time; {}", what, "expected +HH:MM or +HH:MM:SS (hours 0-99)"));
    m_source.failed_keys.insert(key("at"));
  } else if (auto t = model::parse_scenario_time(cell("at"))) {
    inj.at = *t;
  } else {
    problem(line, "at",
            fmt::format("{}: bad time '{}'; expected +HH:MM or +HH:MM:SS (hours 0-99)", what, cell("at")));
    m_source.failed_keys.insert(key("at"));
  }
  inj.phase = std::string(cell("phase"));
  inj.from = std::string(cell("from"));
  inj.to = split_ids(cell("to"));

  // Texts: the plain column in --lang, the _ja / _en columns in theirs.
  auto text = [&](std::string_view field) {
    model::LocalizedText t;
    std::vector<std::string> langs = {"ja", "en"};
    if (std::find(langs.begin(), langs.end(), m_options.lang) == langs.end()) langs.push_back(m_options.lang);
    for (const auto& lang : langs) {
      std::string_view value = cell(fmt::format("{}_{}", field, lang));
      if (value.empty() && lang == m_options.lang) value = cell(field);
      if (!value.empty()) t.set(lang, std::string(value));
    }
    return t;
  };
  inj.title = text("title");
  if (inj.title.empty()) {
    problem(line, "title", fmt::format("{} has no title", what));
  }
  inj.body = text("body");
  inj.notes = text("notes");

  if (!cell("delivery").empty()) {
    if (auto d = parse_delivery_cell(cell("delivery"))) {
      inj.delivery = *d;
    } else {
      problem(line, "delivery",
              fmt::format("{}: bad delivery '{}'; expected phone, mail, alarm, verbal or system", what,
                          cell("delivery")));
    }
  }

  const auto parts = split(cell("expects"), ";,\r\n", {"\xEF\xBC\x9B", "\xE3\x80\x81"});
  for (const auto& part : parts) {
    model::Expectation x;
    std::string_view kind = part;
    std::string_view target;
    std::size_t colon = part.find(':');
    std::size_t colon_len = 1;
    if (std::size_t wide = part.find("\xEF\xBC\x9A"); wide != std::string::npos && wide < colon) {
      colon = wide;
      colon_len = 3;
    }
    if (colon != std::string::npos) {
      kind = trim(std::string_view(part).substr(0, colon));
      target = trim(std::string_view(part).substr(colon + colon_len));
    }
    const std::string expect_key = key(fmt::format("expects/{}", inj.expects.size()));
    auto parsed = parse_kind_cell(kind);
    if (!parsed) {
      problem(line, "expects",
              fmt::format("{}: bad expected action '{}'; expected report, decision, contact, evidence or note, "
                          "optionally with ':target'",
                          what, part));
      continue;
    }
    x.kind = *parsed;
    if (!target.empty()) {
      switch (x.kind) {
        case model::ActionKind::kDecision:
          x.decision_point = std::string(target);
          break;
        case model::ActionKind::kContact:
          if (auto normal = model::normalize_contact_target(target)) {
            x.contact = std::move(*normal);
          } else {
            std::string all;
            for (const auto& t : model::contact_targets()) all += (all.empty() ? "" : ", ") + t;
            problem(line, "expects",
                    fmt::format("{}: bad contact target '{}' in '{}'; expected one of {}", what, target, part, all));
            m_source.failed_keys.insert(expect_key + "/contact");
          }
          break;
        default:
          x.role = std::string(target);
          break;
      }
    }
    inj.expects.push_back(std::move(x));
  }
  inj.links = split_ids(cell("links"));
  inj.decision_points = split_ids(cell("decision_points"));
  if (!cell("contingency").empty()) inj.contingency = model::Contingency{std::string(cell("contingency"))};

  m_source.lines.push_back(line);
  m_injects.push_back(std::move(inj));
}

void sort_problems(std::vector<Status>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Status& a, const Status& b) {
    auto key = [](const Status& s) {
      return std::pair(s.where().line == 0 ? UINT64_MAX : s.where().line, s.where().column);
    };
    return key(a) < key(b);
  });
}

Status fail(std::vector<Status> found, std::vector<Status>* problems) {
  sort_problems(found);
  Status first = found.front();
  if (problems != nullptr) *problems = std::move(found);
  return first;
}

}  // namespace

const std::vector<std::string>& msel_fields() {
  static const std::vector<std::string> k_fields = [] {
    std::vector<std::string> out;
    for (const auto& entry : field_table()) out.emplace_back(entry.field);
    return out;
  }();
  return k_fields;
}

Result<std::pair<std::string, std::string>> parse_msel_mapping(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || trim(text.substr(0, eq)).empty() || trim(text.substr(eq + 1)).empty()) {
    return Status::bad_input(fmt::format("--map {}: expected FIELD=HEADER, e.g. title=見出し", text),
                             Location{{}, 0, 0, "--map"});
  }
  return std::pair(normalize(text.substr(0, eq)), std::string(trim(text.substr(eq + 1))));
}

Result<model::Scenario> import_msel_csv(std::string_view bytes, std::string_view filename_view,
                                        const model::Scenario& base, const MselOptions& options, Warnings* warnings,
                                        std::vector<Status>* problems) {
  const std::string filename(filename_view);
  auto single = [&](Status s) -> Result<model::Scenario> { return fail({std::move(s)}, problems); };
  std::string storage;
  auto decoded = decode_text(bytes, options.encoding, filename, storage);
  if (!decoded) return single(decoded.status());

  Importer importer(filename, options);
  CsvReader reader(decoded->text, filename);
  std::vector<std::string_view> f;
  Warnings found_warnings;
  if (Status st = importer.header(reader, f, &found_warnings); !st.is_ok()) return single(st);
  while (reader.next(f)) importer.row(f, reader.record_line());
  if (!reader.status().is_ok()) {
    auto& all = importer.problems();
    all.push_back(reader.status());
    return fail(std::move(all), problems);
  }
  if (importer.injects().empty() && importer.problems().empty()) {
    return single(Status::bad_input("the file has no inject rows below the header", Location{filename, 2, 0, {}}));
  }

  model::Scenario s = base;
  s.injects = std::move(importer.injects());
  std::vector<Status> found = std::move(importer.problems());
  std::optional<model::Checklist> checklist_storage;
  auto checklist = links_checklist(s, options.checklist, checklist_storage);
  if (!checklist) return single(checklist.status());
  auto checked = check_scenario(s, *checklist, importer.source());
  found.insert(found.end(), std::make_move_iterator(checked.begin()), std::make_move_iterator(checked.end()));
  if (!found.empty()) return fail(std::move(found), problems);
  if (problems != nullptr) problems->clear();
  if (warnings != nullptr) warnings->insert(warnings->end(), found_warnings.begin(), found_warnings.end());
  s.reindex();
  return s;
}

Result<model::Scenario> load_msel_csv(const std::string& path, const model::Scenario& base,
                                      const MselOptions& options, Warnings* warnings,
                                      std::vector<Status>* problems) {
  auto file = util::MappedFile::open(path);
  if (!file) {
    if (problems != nullptr) *problems = {file.status()};
    return file.status();
  }
  return import_msel_csv(file->data(), path == "-" ? "<stdin>" : path, base, options, warnings, problems);
}

}  // namespace kunren::io
