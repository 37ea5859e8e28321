#include <kunren/analysis/redact.hpp>

#include <gtest/gtest.h>

#include <random>
#include <regex>

#include <kunren/io/encoding.hpp>

namespace kunren::analysis {
namespace {

// The example line of the word list, plus an organisation and a site.
Redactor yamada_redactor(std::string lang = "ja") {
  return Redactor(std::vector<RedactTerm>{{"山田太郎", "person"},
                                          {"ヤマダタロウ", "person"},
                                          {"Yamada Taro", "person"},
                                          {"Taro Yamada", "person"},
                                          {"東和化学株式会社", "organization"},
                                          {"Towa Chemical Co., Ltd.", "organization"},
                                          {"鹿島第二工場", "site"}},
                  std::move(lang));
}

std::string redacted(const Redactor& r, std::string_view text) { return r.redact(text).text; }
std::string patterns(std::string_view text) { return redact_patterns(text).text; }

// --- terms ------------------------------------------------------------------------

TEST(Redactor, ReplacesANameAndCountsItByKind) {
  auto r = yamada_redactor().redact("担当は山田太郎です。");
  EXPECT_EQ(r.text, "担当は［人名］です。");
  EXPECT_EQ(r.counts, (std::map<std::string, std::uint32_t>{{"person", 1}}));
}

TEST(Redactor, NamesSplitBySpacesOrIdeographicSpacesStillMatchAndTheSpacesGoToo) {
  auto r = yamada_redactor();
  EXPECT_EQ(redacted(r, "担当は山田 太郎さん"), "担当は［人名］さん");
  EXPECT_EQ(redacted(r, "担当は山田　太郎さん"), "担当は［人名］さん");
  EXPECT_EQ(redacted(r, "担当は山田  　太郎さん"), "担当は［人名］さん");
  EXPECT_EQ(redacted(r, "担当は山田\n太郎さん"), "担当は［人名］さん");
  EXPECT_EQ(redacted(r, "担当は山田\u200B太郎さん"), "担当は［人名］さん");
  EXPECT_EQ(redacted(r, "contact Yamada  Taro today"), "contact ［人名］ today");
  EXPECT_EQ(redacted(r, "contact YamadaTaro today"), "contact ［人名］ today");
}

TEST(Redactor, SpacesAroundANameAreKept) { EXPECT_EQ(redacted(yamada_redactor(), "→ 山田 太郎 ←"), "→ ［人名］ ←"); }

TEST(Redactor, KatakanaHiraganaAndHalfWidthVariantsMatch) {
  auto r = yamada_redactor();
  EXPECT_EQ(redacted(r, "ヤマダ・タロウ氏"), "［人名］氏");
  EXPECT_EQ(redacted(r, "ヤマダ タロウ氏"), "［人名］氏");
  EXPECT_EQ(redacted(r, "やまだたろう氏"), "［人名］氏");
  EXPECT_EQ(redacted(r, "ﾔﾏﾀﾞ ﾀﾛｳ氏"), "［人名］氏");
  EXPECT_EQ(redacted(r, "ﾔﾏﾀﾞﾀﾛｳ氏"), "［人名］氏");
  EXPECT_EQ(redacted(r, "ﾔﾏﾀﾞ･ﾀﾛｳ氏"), "［人名］氏");
  // ダ written as タ + combining voiced mark (NFD).
  EXPECT_EQ(redacted(r, "ヤマタ\u3099タロウ氏"), "［人名］氏");
}

TEST(Redactor, HalfWidthVoicedMarksComposeButDoNotMatchTheUnvoicedKana) {
  Redactor r(std::vector<RedactTerm>{{"ダム", "word"}, {"パルプ", "word"}});
  EXPECT_EQ(redacted(r, "ﾀﾞﾑ"), "［非公開語］");
  EXPECT_EQ(redacted(r, "ﾊﾟﾙﾌﾟ"), "［非公開語］");
  EXPECT_EQ(redacted(r, "タム"), "タム");
  EXPECT_EQ(redacted(r, "ﾊﾙﾌﾟ"), "ﾊﾙﾌﾟ");
}

TEST(Redactor, LatinNamesMatchInAnyCaseFullWidthAndWithHyphens) {
  auto r = yamada_redactor();
  EXPECT_EQ(redacted(r, "TARO YAMADA said"), "［人名］ said");
  EXPECT_EQ(redacted(r, "ｔａｒｏ　ｙａｍａｄａ said"), "［人名］ said");
  EXPECT_EQ(redacted(r, "Ｙａｍａｄａ Ｔａｒｏ"), "［人名］");
  EXPECT_EQ(redacted(r, "Taro-Yamada said"), "［人名］ said");
  EXPECT_EQ(redacted(r, "Tarō Yamada said"), "［人名］ said");
}

TEST(Redactor, LatinTermsNeedWordBoundaries) {
  Redactor r(std::vector<RedactTerm>{{"Ito", "person"}});
  EXPECT_EQ(redacted(r, "Itochu supplies the PLCs"), "Itochu supplies the PLCs");
  EXPECT_EQ(redacted(r, "Kito said"), "Kito said");
  EXPECT_EQ(redacted(r, "Mr. Ito said"), "Mr. ［人名］ said");
  EXPECT_EQ(redacted(r, "伊藤(Ito)さん"), "伊藤(［人名］)さん");
  EXPECT_EQ(redacted(r, "ITO-san"), "［人名］-san");
}

TEST(Redactor, SpacesBetweenLatinLettersAreNotIgnoredWhereTheTermHasNone) {
  Redactor r(std::vector<RedactTerm>{{"Ito", "person"}});
  EXPECT_EQ(redacted(r, "I took it"), "I took it");
  EXPECT_EQ(redacted(r, "I to."), "I to.");
  EXPECT_EQ(redacted(r, "go to it or not"), "go to it or not");
}

TEST(Redactor, ALongerTermInsideAnotherWordWinsWhenItIsATermItself) {
  Redactor r(std::vector<RedactTerm>{{"Ito", "person"}, {"Itochu", "organization"}});
  EXPECT_EQ(redacted(r, "Itochu and Ito"), "［組織名］ and ［人名］");
}

TEST(Redactor, TheLongestTermWinsAtAPosition) {
  Redactor r(std::vector<RedactTerm>{{"東和", "word"}, {"東和化学", "organization"}, {"化学工場", "site"}});
  auto out = r.redact("東和化学工場で");
  EXPECT_EQ(out.text, "［組織名］工場で");
  EXPECT_EQ(out.counts, (std::map<std::string, std::uint32_t>{{"organization", 1}}));
}

TEST(Redactor, OrganisationsMatchWithoutTheirLegalForm) {
  auto r = yamada_redactor();
  EXPECT_EQ(redacted(r, "東和化学の工場"), "［組織名］の工場");
  EXPECT_EQ(redacted(r, "㈱東和化学"), "㈱［組織名］");
  EXPECT_EQ(redacted(r, "東和化学株式会社 鹿島第二工場"), "［組織名］ ［拠点名］");
  EXPECT_EQ(redacted(r, "TOWA CHEMICAL reported"), "［組織名］ reported");
}

TEST(Redactor, TermsShorterThanTwoCharactersAfterFoldingAreIgnored) {
  Redactor r(std::vector<RedactTerm>{{"A", "person"}, {"ー", "word"}, {" 田 ", "person"}, {"ﾀﾞ", "word"}});
  EXPECT_EQ(r.term_count(), 0u);
  EXPECT_EQ(redacted(r, "A 田 ダ"), "A 田 ダ");
}

TEST(Redactor, WhenTwoKindsFoldAlikeTheOrganisationWins) {
  Redactor r(std::vector<RedactTerm>{
      {"yamada", "word"}, {"YAMADA", "organization"}, {"ヤマダ", "person"}, {"やまだ", "organization"}});
  EXPECT_EQ(r.term_count(), 2u);
  EXPECT_EQ(redacted(r, "Yamada ヤマダ"), "［組織名］ ［組織名］");
}

TEST(Redactor, PunctuationInsideANameBreaksTheMatch) {
  EXPECT_EQ(redacted(yamada_redactor(), "山田、太郎"), "山田、太郎");
}

TEST(Redactor, EnglishPlaceholders) {
  auto r = yamada_redactor("en");
  EXPECT_EQ(redacted(r, "Taro Yamada (taro@towa.example.co.jp) at 鹿島第二工場 of 東和化学"),
            "[person] ([e-mail]) at [site] of [organisation]");
}

TEST(Redactor, PatternsAreReplacedWholeBeforeNamesInsideThem) {
  auto r = yamada_redactor().redact("mail taro.yamada@towa.co.jp or Yamada Taro");
  EXPECT_EQ(r.text, "mail ［メール］ or ［人名］");
  EXPECT_EQ(r.counts, (std::map<std::string, std::uint32_t>{{"email", 1}, {"person", 1}}));
}

TEST(Redactor, InvalidUtf8BecomesReplacementCharactersAndNamesAroundItAreStillFound) {
  auto r = yamada_redactor();
  EXPECT_EQ(redacted(r, "\xff山田太郎\xfe"), "\xEF\xBF\xBD［人名］\xEF\xBF\xBD");
  EXPECT_EQ(redacted(r, "山田\xe5\xb1太郎"), "山田\xEF\xBF\xBD\xEF\xBF\xBD太郎");
}

TEST(Redactor, RandomBytesNeverCrashAndAlwaysGiveValidUtf8) {
  auto r = yamada_redactor();
  std::mt19937 rng(42);
  const std::string pieces[] = {"山田", "太郎", " ",    "ﾀﾞ",   "03-", "1234", "@", ".",  "example", "co.jp",    ":",
                                "::",   "\xe5", "\x80", "\xff", "+81", "(",    ")", "ー", "Ito",     "192.168.", "0"};
  for (int trial = 0; trial < 5000; ++trial) {
    std::string text;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) {
      if (rng() % 4 == 0)
        text += static_cast<char>(rng() % 256);
      else
        text += pieces[rng() % std::size(pieces)];
    }
    auto out = r.redact(text);
    ASSERT_FALSE(io::find_invalid_utf8(out.text).has_value()) << text;
  }
}

TEST(Redactor, TextWithoutAnythingToRedactComesBackUnchanged) {
  const std::string text = "手順書に従い、制御ネットワークを切り離した。判断は5分以内。";
  auto r = yamada_redactor().redact(text);
  EXPECT_EQ(r.text, text);
  EXPECT_TRUE(r.counts.empty());
}

// --- patterns: e-mail ---------------------------------------------------------------

TEST(RedactPatterns, EmailAddressesAreRedacted) {
  EXPECT_EQ(patterns("連絡先 taro.yamada@example.co.jp まで"), "連絡先 ［メール］ まで");
  EXPECT_EQ(patterns("連絡先:soc+ot@plant-1.example.com。"), "連絡先:［メール］。");
  EXPECT_EQ(patterns("宛先はｓｏｃ＠ｅｘａｍｐｌｅ．ｃｏｍです"), "宛先は［メール］です");
}

TEST(RedactPatterns, AnAtSignWithoutAnAddressIsKept) {
  EXPECT_EQ(patterns("@channel で周知"), "@channel で周知");
  EXPECT_EQ(patterns("単価@100円"), "単価@100円");
}

// --- patterns: phone ------------------------------------------------------------------

TEST(RedactPatterns, JapanesePhoneNumbersInTheUsualFormsAreRedacted) {
  const char* numbers[] = {"03-1234-5678",
                           "045-123-4567",
                           "0120-123-456",
                           "090-1234-5678",
                           "(03)1234-5678",
                           "03(1234)5678",
                           "+81-3-1234-5678",
                           "+81 90 1234 5678",
                           "09012345678",
                           "0312345678",
                           "+81(0)3-1234-5678",
                           "03 1234 5678",
                           "０３－１２３４－５６７８",
                           "０３ー１２３４ー５６７８",
                           "03‐1234‐5678",
                           "（03）1234-5678",
                           "+819012345678",
                           "0800-123-4567"};
  for (const char* n : numbers) {
    EXPECT_EQ(patterns(std::string("電話 ") + n + " まで"), "電話 ［電話番号］ まで") << n;
    EXPECT_EQ(patterns(std::string("TEL:") + n + "。"), "TEL:［電話番号］。") << n;
  }
}

TEST(RedactPatterns, AnExtensionGoesWithThePhoneNumber) {
  EXPECT_EQ(patterns("03-1234-5678 内線 123 へ"), "［電話番号］ へ");
  EXPECT_EQ(patterns("03-1234-5678（内線１２３）へ"), "［電話番号］へ");
  EXPECT_EQ(patterns("03-1234-5678 ext. 42"), "［電話番号］");
  EXPECT_EQ(patterns("03-1234-5678内線"), "［電話番号］内線");
}

TEST(RedactPatterns, APhoneNumberFollowedByAnotherNumberKeepsThatNumber) {
  EXPECT_EQ(patterns("03-1234-5678 5名で対応"), "［電話番号］ 5名で対応");
  EXPECT_EQ(patterns("03-1234-5678、2026-11-26に確認"), "［電話番号］、2026-11-26に確認");
}

TEST(RedactPatterns, NumbersThatAreNotPhoneNumbersAreKept) {
  const char* kept[] = {"2026-11-26",         "2026/11/26",   "01-02-2026",   "〒100-0001",      "IEC 62443-3-3",
                        "IEC 62443-2-1:2010", "12345678",     "0123-45",      "00-1234-5678",    "1,234,567",
                        "031234567",          "031234567890", "090-1234-567", "+1 415 555 0100", "品番 0312-3456-78901",
                        "ISO/IEC 27001:2013", "12:00-13:00",  "0.5秒"};
  for (const char* k : kept) EXPECT_EQ(patterns(k), k) << k;
}

// --- patterns: IP --------------------------------------------------------------------

TEST(RedactPatterns, Ipv4AddressesWithPrefixOrPortAreRedacted) {
  EXPECT_EQ(patterns("PLC 192.168.10.5 が停止"), "PLC ［IPアドレス］ が停止");
  EXPECT_EQ(patterns("10.0.0.0/8 を遮断"), "［IPアドレス］ を遮断");
  EXPECT_EQ(patterns("Modbus 192.168.1.10:502 へ"), "Modbus ［IPアドレス］ へ");
  EXPECT_EQ(patterns("宛先１９２．１６８．０．１"), "宛先［IPアドレス］");
  EXPECT_EQ(patterns("(172.16.0.1)"), "(［IPアドレス］)");
}

TEST(RedactPatterns, Ipv6AddressesInCommonFormsAreRedacted) {
  const char* addresses[] = {"::1",
                             "fe80::1",
                             "2001:db8::8a2e:370:7334",
                             "2001:0db8:0000:0000:0000:ff00:0042:8329",
                             "::ffff:192.0.2.1",
                             "2001:db8::/32",
                             "FE80::0202:B3FF:FE1E:8329"};
  for (const char* a : addresses) EXPECT_EQ(patterns(std::string("宛先 ") + a + " へ"), "宛先 ［IPアドレス］ へ") << a;
}

TEST(RedactPatterns, TimesVersionsAndNumbersThatLookLikeAddressesAreKept) {
  const char* kept[] = {"10:30", "10:30:15",   "v1.2.3", "3.1",   "1.2.3.4.5", "256.1.1.1",     "ver 10.2.1",
                        "12:00", "2026.11.26", "0.5",    "99.9%", "a::b",      "1:2:3:4:5:6:7", "00:1A:2B:3C:4D:5E"};
  for (const char* k : kept) EXPECT_EQ(patterns(k), k) << k;
}

// --- patterns: host names ----------------------------------------------------------------

TEST(RedactPatterns, DottedHostNamesEndingInATldLikeLabelAreRedacted) {
  const char* hosts[] = {"example.co.jp",         "plc01.plant.local",   "scada.corp",
                         "hist01.ot.example.com", "www.towa-chem.jp",    "HMI-02.LAN",
                         "eng_ws1.corp.internal", "ｓｃａｄａ．ｃｏｒｐ"};
  for (const char* h : hosts) EXPECT_EQ(patterns(std::string("接続先 ") + h + " で"), "接続先 ［ホスト名］ で") << h;
  EXPECT_EQ(patterns("https://scada.corp/login を開く"), "https://［ホスト名］/login を開く");
  EXPECT_EQ(patterns("see hist01.example.com."), "see ［ホスト名］.");
}

TEST(RedactPatterns, FileNamesVersionsDatesAndAbbreviationsAreNotHosts) {
  const char* kept[] = {"report.pdf",    "setup.exe", "手順書.docx",  "backup.tar.gz", "v1.2.3", "3.1",
                        "2026-11-26",    "10:30",     "e.g.",         "i.e.",          "U.S.",   "No.3",
                        "Fig.2",         "ASP.NET",   "node.js",      "plc01.plant",   "run.sh", "config.yaml",
                        "IEC 62443-3-3", "etc.",      "stopped.Then", "ver.up",        "a.b.c"};
  for (const char* k : kept) EXPECT_EQ(patterns(k), k) << k;
}

TEST(RedactPatterns, CountsEveryKind) {
  auto r = redact_patterns("a@example.com 03-1234-5678 10.0.0.1 ::1 scada.corp b@example.org");
  EXPECT_EQ(r.text, "［メール］ ［電話番号］ ［IPアドレス］ ［IPアドレス］ ［ホスト名］ ［メール］");
  EXPECT_EQ(r.counts, (std::map<std::string, std::uint32_t>{{"email", 2}, {"host", 1}, {"ip", 2}, {"phone", 1}}));
}

TEST(RedactPatterns, EveryKindHasAJapaneseAndAnEnglishPlaceholder) {
  for (const char* kind : {"organization", "site", "person", "word", "email", "phone", "ip", "host"}) {
    const auto ja = redaction_placeholder(kind, "ja"), en = redaction_placeholder(kind, "en");
    EXPECT_TRUE(ja.starts_with("［")) << kind;
    EXPECT_TRUE(en.starts_with("[")) << kind;
  }
  EXPECT_EQ(redaction_placeholder("ip", "en"), "[IP address]");
  EXPECT_EQ(redaction_placeholder("organization", "ja"), "［組織名］");
}

// --- the word list -------------------------------------------------------------------

TEST(WordList, TheExampleLineGivesFourPersonTerms) {
  auto terms = parse_word_list("person: 山田太郎 | ヤマダタロウ | Yamada Taro | Taro Yamada\n", "words.txt");
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_EQ(
      *terms,
      (std::vector<RedactTerm>{
          {"山田太郎", "person"}, {"ヤマダタロウ", "person"}, {"Yamada Taro", "person"}, {"Taro Yamada", "person"}}));
}

TEST(WordList, PrefixesCommentsBlankLinesAndEverySeparator) {
  const std::string text =
      "\xEF\xBB\xBF# 非公開語リスト\r\n"
      "\r\n"
      "org: 東和化学株式会社, 東和化学, Towa Chemical\r\n"
      "site：鹿島第二工場\r\n"
      "  Organisation : ㈱トーワ｜トーワ\r\n"
      "プロジェクトX\tProject X\r\n"
      "word: 極秘案件\n"
      "   # indented comment\n"
      "PERSON: 佐藤 花子，Sato Hanako";
  auto terms = parse_word_list(text, "words.txt");
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_EQ(*terms, (std::vector<RedactTerm>{{"東和化学株式会社", "organization"},
                                             {"東和化学", "organization"},
                                             {"Towa Chemical", "organization"},
                                             {"鹿島第二工場", "site"},
                                             {"㈱トーワ", "organization"},
                                             {"トーワ", "organization"},
                                             {"プロジェクトX", "word"},
                                             {"Project X", "word"},
                                             {"極秘案件", "word"},
                                             {"佐藤 花子", "person"},
                                             {"Sato Hanako", "person"}}));
}

TEST(WordList, Cp932FilesAreConverted) {
  // "person: 山田\n" in CP932.
  auto terms = parse_word_list(std::string("person: \x8E\x52\x93\x63\n"), "words.txt");
  ASSERT_TRUE(terms.is_ok()) << terms.status().to_string();
  EXPECT_EQ(*terms, (std::vector<RedactTerm>{{"山田", "person"}}));
}

TEST(WordList, AnUnknownPrefixNamesFileLineAndColumn) {
  auto terms = parse_word_list("person: 山田\n# c\n  vendor: 東和\n", "words.txt");
  ASSERT_FALSE(terms.is_ok());
  EXPECT_EQ(terms.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(terms.status().where().file, "words.txt");
  EXPECT_EQ(terms.status().where().line, 3u);
  EXPECT_EQ(terms.status().where().column, 3u);
  EXPECT_NE(terms.status().message().find("vendor"), std::string::npos) << terms.status().message();
  EXPECT_NE(terms.status().to_string().find("words.txt:3"), std::string::npos);
}

TEST(WordList, AnEmptyVariantNamesItsLine) {
  for (const char* bad : {"a, b\nc,, d\n", "a, b\nc, d,\n", "a, b\n| c\n", "a, b\nperson:\n", "a\nsite: ,x\n"}) {
    auto terms = parse_word_list(bad, "w.txt");
    ASSERT_FALSE(terms.is_ok()) << bad;
    EXPECT_EQ(terms.status().kind(), ErrorKind::kBadInput);
    EXPECT_EQ(terms.status().where().line, 2u) << bad;
    EXPECT_EQ(terms.status().where().field, "variant") << bad;
  }
}

TEST(WordList, AnEmptyFileGivesNoTerms) {
  auto terms = parse_word_list("", "w.txt");
  ASSERT_TRUE(terms.is_ok());
  EXPECT_TRUE(terms->empty());
  terms = parse_word_list("# only a comment\n\n", "w.txt");
  ASSERT_TRUE(terms.is_ok());
  EXPECT_TRUE(terms->empty());
}

TEST(WordList, UndecodableBytesAreAnErrorNamingTheFile) {
  auto terms = parse_word_list(std::string("a\n\x81\x20\xff\n"), "w.txt");
  ASSERT_FALSE(terms.is_ok());
  EXPECT_EQ(terms.status().where().file, "w.txt");
}

TEST(WordList, ItsTermsRedactTheVariantsPeopleWrite) {
  auto terms = parse_word_list("person: 山田太郎 | ヤマダタロウ | Yamada Taro | Taro Yamada\n", "w.txt");
  ASSERT_TRUE(terms.is_ok());
  Redactor r(std::move(terms).value());
  EXPECT_EQ(redacted(r, "山田 太郎、ﾔﾏﾀﾞﾀﾛｳ、やまだ　たろう、YAMADA taro、Taro  Yamada"),
            "［人名］、［人名］、［人名］、［人名］、［人名］");
}

// --- quote ids ---------------------------------------------------------------------

TEST(QuoteId, IsQDashAndEightCrockfordCharacters) {
  const std::regex form("Q-[0-9A-HJKMNP-TV-Z]{8}");
  for (int k = 0; k < 200; ++k)
    EXPECT_TRUE(std::regex_match(quote_id("key", "Q" + std::to_string(k), "A", "text"), form));
}

TEST(QuoteId, IsStableForTheSameInputsAndChangesWithEachOfThem) {
  const auto id = quote_id("secret", "Q1", "A", "コメント");
  EXPECT_EQ(id, quote_id("secret", "Q1", "A", "コメント"));
  EXPECT_NE(id, quote_id("other", "Q1", "A", "コメント"));
  EXPECT_NE(id, quote_id("secret", "Q2", "A", "コメント"));
  EXPECT_NE(id, quote_id("secret", "Q1", "B", "コメント"));
  EXPECT_NE(id, quote_id("secret", "Q1", "A", "コメント。"));
  // The separators keep the fields apart.
  EXPECT_NE(quote_id("k", "ab", "c", "d"), quote_id("k", "a", "bc", "d"));
  EXPECT_EQ(quote_id("", "Q1", "A", "x"), quote_id("", "Q1", "A", "x"));
}

}  // namespace
}  // namespace kunren::analysis
