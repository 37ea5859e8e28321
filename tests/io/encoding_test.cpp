#include <kunren/io/encoding.hpp>

#include <gtest/gtest.h>

namespace kunren::io {
namespace {

// "回答" in CP932 and in UTF-8.
const std::string k_cp932_kaitou = "\x89\xf1\x93\x9a";
const std::string k_utf8_kaitou = "\xe5\x9b\x9e\xe7\xad\x94";

TEST(Encoding, Utf8WithoutBomIsReturnedWithoutCopy) {
  std::string bytes = "org," + k_utf8_kaitou + "\n";
  std::string storage;
  auto d = decode_text(bytes, Encoding::kAuto, "f.csv", storage);
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->detected, Encoding::kUtf8);
  EXPECT_EQ(d->text.data(), bytes.data());
  EXPECT_FALSE(d->had_bom);
}

TEST(Encoding, Utf8BomIsStripped) {
  std::string bytes = "\xEF\xBB\xBForg\n";
  std::string storage;
  auto d = decode_text(bytes, Encoding::kAuto, "f.csv", storage);
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->text, "org\n");
  EXPECT_TRUE(d->had_bom);
}

TEST(Encoding, Cp932IsDetectedAndConverted) {
  std::string bytes = "org," + k_cp932_kaitou + "\r\n";
  std::string storage;
  auto d = decode_text(bytes, Encoding::kAuto, "f.csv", storage);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->detected, Encoding::kCp932);
  EXPECT_EQ(d->text, "org," + k_utf8_kaitou + "\r\n");
}

TEST(Encoding, Cp932NecExtensionsConvert) {
  // ① (NEC special character 0x8740) is in CP932 but not in plain Shift_JIS.
  std::string storage;
  auto d = decode_text("\x87\x40", Encoding::kCp932, "f.csv", storage);
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->text, "\xe2\x91\xa0");
}

TEST(Encoding, ForcedUtf8RejectsCp932BytesWithLineAndColumn) {
  std::string bytes = "org,item\nA," + k_cp932_kaitou + "\n";
  std::string storage;
  auto d = decode_text(bytes, Encoding::kUtf8, "f.csv", storage);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(d.status().where().file, "f.csv");
  EXPECT_EQ(d.status().where().line, 2u);
  EXPECT_EQ(d.status().where().column, 3u);
  EXPECT_NE(d.status().message().find("not valid UTF-8"), std::string::npos);
}

TEST(Encoding, ColumnOfAnUndecodableByteCountsCharactersNotBytes) {
  std::string bytes = "org,item\n" + k_utf8_kaitou + ",\xff\n";  // 回答,<bad>
  std::string storage;
  auto d = decode_text(bytes, Encoding::kUtf8, "f.csv", storage);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().where().line, 2u);
  EXPECT_EQ(d.status().where().column, 4u);
}

TEST(Encoding, BytesValidInNeitherEncodingAreRejected) {
  std::string bytes = "org\nA\n\xff\xff\n";
  std::string storage;
  auto d = decode_text(bytes, Encoding::kAuto, "f.csv", storage);
  ASSERT_FALSE(d.is_ok());
  EXPECT_EQ(d.status().where().line, 3u);
  EXPECT_NE(d.status().message().find("neither valid UTF-8 nor CP932"), std::string::npos);
}

TEST(Encoding, TruncatedMultibyteSequenceIsInvalidUtf8) {
  EXPECT_EQ(find_invalid_utf8("ab\xe5\x9b"), 2u);
  EXPECT_EQ(find_invalid_utf8("\xc0\x80"), 0u);          // overlong
  EXPECT_EQ(find_invalid_utf8("\xed\xa0\x80"), 0u);      // surrogate
  EXPECT_FALSE(find_invalid_utf8("plain ascii text longer than eight bytes").has_value());
  EXPECT_FALSE(find_invalid_utf8(k_utf8_kaitou + "\xf0\x9f\x98\x80").has_value());
}

TEST(Encoding, NamesAreParsedCaseInsensitively) {
  EXPECT_EQ(parse_encoding("Shift_JIS"), Encoding::kCp932);
  EXPECT_EQ(parse_encoding("UTF-8"), Encoding::kUtf8);
  EXPECT_EQ(parse_encoding("auto"), Encoding::kAuto);
  EXPECT_FALSE(parse_encoding("latin1").has_value());
}

}  // namespace
}  // namespace kunren::io
