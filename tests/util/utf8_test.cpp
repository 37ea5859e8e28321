#include <kunren/util/utf8.hpp>

#include <gtest/gtest.h>

namespace kunren::util {
namespace {

TEST(TextPosition, CountsLineBreaksBefore) {
  EXPECT_EQ(text_position("a\nb\nc", 0).line, 1u);
  EXPECT_EQ(text_position("a\nb\nc", 2).line, 2u);
  EXPECT_EQ(text_position("a\nb\nc", 4).line, 3u);
  EXPECT_EQ(text_position("a\nb\nc", 99).line, 3u);
}

TEST(TextPosition, ColumnCountsCharactersNotBytes) {
  const std::string text = "org\n回答,x";  // 回答 is six bytes, two characters
  const auto at_x = text_position(text, text.find('x'));
  EXPECT_EQ(at_x.line, 2u);
  EXPECT_EQ(at_x.column, 4u);
  EXPECT_EQ(text_position(text, 0).column, 1u);
}

TEST(Utf8, SequenceLengthAcceptsValidAndRejectsBrokenSequences) {
  char32_t cp = 0;
  EXPECT_EQ(utf8_sequence_length("a", 0, &cp), 1u);
  EXPECT_EQ(cp, U'a');
  EXPECT_EQ(utf8_sequence_length("\xe5\x9b\x9e", 0, &cp), 3u);
  EXPECT_EQ(cp, U'回');
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xe5\x9b", 0), 0u);      // truncated
  EXPECT_EQ(utf8_sequence_length("\xc0\x80", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80", 0), 0u);  // surrogate
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);          // stray continuation
}

TEST(Utf8, LengthCountsEachStrayByteOnce) {
  EXPECT_EQ(utf8_length("回答"), 2u);
  EXPECT_EQ(utf8_length("a\xff" "b"), 3u);
  EXPECT_EQ(utf8_length(""), 0u);
}

}  // namespace
}  // namespace kunren::util
