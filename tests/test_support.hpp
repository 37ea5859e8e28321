// Helpers shared by the unit tests: compact checklists, temporary files.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <kunren/model/checklist.hpp>

namespace kunren::testing {

// Builds a checklist from "section/ID=level,level,…" specs; every choice is
// labelled "<ID>-<no>" in Japanese and "<ID> choice <no>" in English, and the
// item text is "<ID> のテキスト" / "<ID> text". The section defaults to "s".
inline model::Checklist make_checklist(const std::vector<std::string>& specs, std::string id = "test") {
  model::Checklist c;
  c.id = std::move(id);
  c.version = "1";
  c.title = model::LocalizedText{{"ja", "テスト"}, {"en", "Test"}};
  for (const auto& spec : specs) {
    std::string section = "s";
    std::string rest = spec;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      section = rest.substr(0, slash);
      rest = rest.substr(slash + 1);
    }
    if (!c.find_section(section)) {
      model::Section s;
      s.id = section;
      s.category = section.rfind("o", 0) == 0 ? model::Category::kOverall : model::Category::kImplementation;
      s.title = model::LocalizedText{{"ja", "区分 " + section}, {"en", "Section " + section}};
      c.sections.push_back(s);
      c.reindex();
    }
    auto eq = rest.find('=');
    model::Item item;
    item.id = rest.substr(0, eq);
    item.section = section;
    item.text = model::LocalizedText{{"ja", item.id + " のテキスト"}, {"en", item.id + " text"}};
    std::stringstream levels(rest.substr(eq + 1));
    std::string level;
    int no = 0;
    while (std::getline(levels, level, ',')) {
      model::Choice ch;
      ch.no = ++no;
      ch.level = *model::parse_level(level);
      ch.label = model::LocalizedText{{"ja", item.id + "-" + std::to_string(no)},
                                      {"en", item.id + " choice " + std::to_string(no)}};
      item.choices.push_back(ch);
    }
    c.items.push_back(std::move(item));
  }
  c.reindex();
  return c;
}

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() / ("kunren-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return (m_path / name).string(); }
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
    return path(name);
  }

 private:
  std::filesystem::path m_path;
};

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string test_dir() { return KUNREN_TEST_DIR; }

}  // namespace kunren::testing
