// An RFC 4180 CSV reader that does not copy: fields are views into the input,
// except fields that need unescaping ("" inside quotes, CRLF inside quotes),
// which are built in a per-record scratch buffer.
//
// Accepted: comma separator; LF, CRLF or lone CR line ends (mixed is fine);
// quoted fields with "" escapes and line breaks inside (a CRLF inside quotes
// becomes LF); a quote inside an unquoted field is kept literally (as Excel
// does). Blank lines are skipped. Rejected with a Status: a quoted field that
// never ends, and anything but a separator or line end after a closing quote.
//
// Ownership: the reader borrows `text`; the views returned by next() are valid
// until the following call to next(). Thread safety: one reader per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <kunren/util/status.hpp>

namespace kunren::io {

class CsvReader {
 public:
  CsvReader(std::string_view text, std::string filename) : m_text(text), m_filename(std::move(filename)) {}

  // Reads the next record into `fields`. Returns false at the end of the input
  // or on an error; tell them apart with status().
  bool next(std::vector<std::string_view>& fields);
  const Status& status() const { return m_status; }
  // 1-based physical line on which the last record started.
  std::uint64_t record_line() const { return m_record_line; }
  // Byte offset at which the last record started.
  std::size_t record_offset() const { return m_record_offset; }
  const std::string& filename() const { return m_filename; }
  // Byte offset at which the next record (or blank lines before it) starts.
  std::size_t position() const { return m_pos; }

 private:
  bool fail(std::string message, std::uint64_t line, std::size_t offset);
  bool next_simple(std::vector<std::string_view>& fields);

  std::string_view m_text;
  std::string m_filename;
  std::size_t m_pos = 0;
  std::uint64_t m_line = 1;
  std::uint64_t m_record_line = 0;
  std::size_t m_record_offset = 0;
  std::string m_scratch;
  std::vector<std::pair<std::size_t, std::size_t>> m_scratch_fields;  // (field index, scratch offset)
  std::vector<std::size_t> m_scratch_ends;
  Status m_status;
};

// Quotes a field for CSV output when it contains a comma, quote, CR or LF.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace kunren::io
