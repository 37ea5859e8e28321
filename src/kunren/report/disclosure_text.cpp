#include <kunren/report/disclosure_text.hpp>

#include <array>

#include <fmt/format.h>

namespace kunren::report {
namespace {

const char* kind_name(const std::string& kind, bool ja) {
  static const std::array<std::array<const char*, 3>, 8> k_kinds = {{{"organization", "組織名", "organisation names"},
                                                                     {"site", "拠点名", "site names"},
                                                                     {"person", "人名", "person names"},
                                                                     {"word", "指定語", "listed words"},
                                                                     {"email", "メールアドレス", "e-mail addresses"},
                                                                     {"phone", "電話番号", "phone numbers"},
                                                                     {"ip", "IPアドレス", "IP addresses"},
                                                                     {"host", "ホスト名", "host names"}}};
  for (const auto& e : k_kinds) {
    if (kind == e[0]) return ja ? e[1] : e[2];
  }
  return nullptr;
}

std::string scope_name(const std::string& scope, bool en) {
  if (scope == "campaign") return en ? "The whole campaign" : "集計全体";
  if (scope == "segment:industry") return en ? "By industry" : "業種別";
  if (scope == "segment:size") return en ? "By size band" : "規模別";
  if (scope == "quotes") return en ? "Comment excerpts" : "コメントの抜粋";
  if (scope.rfind("crosstab:", 0) == 0) return (en ? "Cross-tab " : "クロス集計 ") + scope.substr(9);
  return scope;
}

}  // namespace

std::string describe_suppression(const analysis::Suppression& s, std::uint32_t k, const std::string& lang) {
  const bool e = lang == "en";
  const std::string scope = scope_name(s.scope, e);
  const std::string group = s.group.empty() ? (e ? "everything" : "全体") : s.group;
  if (s.scope == "quotes") {
    return e ? fmt::format("Comment excerpt {} is left out by the coordinator.", group)
             : fmt::format("コメントの抜粋 {} は取りまとめ担当者の判断で掲載していません。", group);
  }
  if (s.scope == "campaign") {
    if (k == 0) {  // campaigns side by side, each with its own k
      return e ? fmt::format("Campaign {} is left out: fewer organisations submitted than its minimum group size.",
                             group)
               : fmt::format("キャンペーン {} は提出組織数が最小グループ未満のため除外しました。", group);
    }
    return e ? fmt::format("Campaign {} is left out: fewer than {} organisations submitted.", group, k)
             : fmt::format("キャンペーン {} は提出組織が {} 未満のため除外しました。", group, k);
  }
  if (s.group.empty()) {
    return e ? fmt::format("{}: nothing is shown, fewer than {} organisations in all.", scope, k)
             : fmt::format("{}：全体で {} 組織未満のため何も示しません。", scope, k);
  }
  const bool merged = s.action == "merged_into_other";
  if (e) {
    const std::string done = merged ? "merged into “other”" : "not shown";
    if (s.reason == "below_k") return fmt::format("{}: “{}” is {}: fewer than {} organisations.", scope, group, done, k);
    if (s.reason == "complementary") {
      return fmt::format("{}: “{}” is {} as well, so that totals cannot reveal a smaller group.", scope, group, done);
    }
    if (s.reason == "differencing") {
      return fmt::format(
          "{}: “{}” is {}: compared with another published group it would reveal fewer than {} organisations.", scope,
          group, done, k);
    }
    return fmt::format("{}: “{}” is {} ({}).", scope, group, done, s.reason);
  }
  const std::string done = merged ? "「その他」に統合しました" : "表示していません";
  if (s.reason == "below_k") return fmt::format("{}：「{}」は {} 組織未満のため{}。", scope, group, k, done);
  if (s.reason == "complementary") {
    return fmt::format("{}：合計から小さなグループが逆算されないよう「{}」も{}。", scope, group, done);
  }
  if (s.reason == "differencing") {
    return fmt::format("{}：「{}」は他の公表グループとの差から {} 組織未満の結果が分かるため{}。", scope, group, k, done);
  }
  return fmt::format("{}：「{}」を{}（{}）。", scope, group, done, s.reason);
}

std::vector<std::string> disclosure_statement(const analysis::Analysis& a, const std::string& lang) {
  const bool ja = lang != "en";
  std::vector<std::string> lines;
  if (!a.disclosure) {
    lines.emplace_back(ja ? "この集計は公表前の処理（開示管理）を経ていません。外部に共有する前に公表の手順を経てください。"
                          : "This result has not been through publication (disclosure control). Publish it before "
                            "sharing it outside the coordinating team.");
    return lines;
  }
  const auto& d = *a.disclosure;
  lines.push_back(ja ? fmt::format("最小グループサイズ k = {}：提出組織が {} 未満の集計（キャンペーン全体、業種別・規模別の区分、"
                                   "クロス集計のセル）は公表せず、非表示にするか「その他」に統合します。",
                                   d.min_group, d.min_group)
                     : fmt::format("Minimum group size k = {}: no figure about fewer than {} organisations is published "
                                   "(the whole campaign, an industry or size group, a cross-tab cell); it is suppressed "
                                   "or merged into “other”.",
                                   d.min_group, d.min_group));
  for (const auto& s : d.suppressed) {
    if (s.scope == "quotes") continue;  // counted in the quotes line below
    lines.push_back(describe_suppression(s, d.min_group, lang));
  }
  lines.push_back(ja ? fmt::format("コメントの抜粋：掲載 {} 件（うち伏せ字を含むもの {} 件）、取りまとめ担当者の判断で除外 {} 件。"
                                   "抜粋は組織ではなく抜粋番号（Q-…）で示します。",
                                   d.quotes_published, d.quotes_redacted, d.quotes_excluded)
                     : fmt::format("Comment excerpts: {} published ({} with redactions), {} left out by the "
                                   "coordinator. Excerpts carry quote ids (Q-…), never an organisation.",
                                   d.quotes_published, d.quotes_redacted, d.quotes_excluded));
  if (!d.redactions.empty()) {
    std::string parts;
    for (const auto& [kind, count] : d.redactions) {
      if (!parts.empty()) parts += ja ? "、" : ", ";
      const char* name = kind_name(kind, ja);
      parts += fmt::format("{} {}", name ? name : kind.c_str(), count);
    }
    lines.push_back(ja ? "伏せ字にした語句：" + parts + "。" : "Redacted: " + parts + ".");
  }
  return lines;
}

std::string tlp_marking(const std::string& tlp) {
  if (tlp.empty() || tlp.rfind("TLP:", 0) == 0) return tlp;
  return "TLP:" + tlp;
}

const char* tlp_colour(const std::string& tlp) {
  if (tlp.find("RED") != std::string::npos) return "#FF2B2B";
  if (tlp.find("AMBER") != std::string::npos) return "#FFC000";
  if (tlp.find("GREEN") != std::string::npos) return "#33FF00";
  return "#FFFFFF";
}

nlohmann::json disclosure_json(const analysis::Analysis& a, const std::string& lang) {
  if (!a.disclosure) return nullptr;
  const auto& d = *a.disclosure;
  nlohmann::json suppressed = nlohmann::json::array();
  for (const auto& s : d.suppressed) {
    suppressed.push_back({{"scope", s.scope},
                          {"group", s.group},
                          {"reason", s.reason},
                          {"action", s.action},
                          {"statement", describe_suppression(s, d.min_group, lang)}});
  }
  nlohmann::json redactions = nlohmann::json::object();
  for (const auto& [kind, n] : d.redactions) redactions[kind] = n;
  return {{"tlp", d.tlp.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.tlp)},
          {"min_group", d.min_group},
          {"suppressed", suppressed},
          {"quotes", {{"published", d.quotes_published}, {"redacted", d.quotes_redacted}, {"excluded", d.quotes_excluded}}},
          {"redactions", redactions},
          {"statement", disclosure_statement(a, lang)}};
}

}  // namespace kunren::report
