#include <kunren/io/csv.hpp>

#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>

#include <kunren/util/utf8.hpp>

namespace kunren::io {

namespace {

constexpr std::array<bool, 256> make_table() {
  std::array<bool, 256> t{};
  t[static_cast<unsigned char>(',')] = true;
  t[static_cast<unsigned char>('\n')] = true;
  t[static_cast<unsigned char>('\r')] = true;
  return t;
}
constexpr std::array<bool, 256> k_unquoted_stop = make_table();

}  // namespace

bool CsvReader::fail(std::string message, std::uint64_t line, std::size_t offset) {
  m_status = Status::bad_input(std::move(message),
                               Location{m_filename, line, util::text_position(m_text, offset).column, {}});
  m_pos = m_text.size();
  return false;
}

#if defined(__SSE2__)
// The common record — no quotes, at least 16 bytes before the end of the
// input — split sixteen bytes at a time: one compare per separator kind gives
// a bit mask of where commas and the line end are. Anything unusual (a quote
// anywhere in the record, the tail of the input) returns false and the
// byte-by-byte reader below takes the record instead.
bool CsvReader::next_simple(std::vector<std::string_view>& fields) {
  const char* s = m_text.data();
  const std::size_t n = m_text.size();
  std::size_t pos = m_pos;
  if (pos >= n || s[pos] == '\n' || s[pos] == '\r') return false;
  const std::size_t record_start = pos;
  std::size_t field_start = pos;
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i quote = _mm_set1_epi8('"');
  while (pos + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + pos));
    auto m_comma = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)));
    const auto m_end = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr))));
    const auto m_quote = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
    const unsigned before_end = m_end ? (m_end & (0u - m_end)) - 1 : 0xFFFFu;
    if (m_quote & before_end) {
      fields.clear();
      return false;
    }
    m_comma &= before_end;
    while (m_comma) {
      const std::size_t at = pos + static_cast<std::size_t>(__builtin_ctz(m_comma));
      fields.emplace_back(s + field_start, at - field_start);
      field_start = at + 1;
      m_comma &= m_comma - 1;
    }
    if (m_end) {
      const std::size_t at = pos + static_cast<std::size_t>(__builtin_ctz(m_end));
      fields.emplace_back(s + field_start, at - field_start);
      std::size_t next = at + 1;
      if (s[at] == '\r' && next < n && s[next] == '\n') ++next;
      m_record_line = m_line++;
      m_record_offset = record_start;
      m_pos = next;
      return true;
    }
    pos += 16;
  }
  fields.clear();
  return false;
}
#endif

bool CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  m_scratch.clear();
  m_scratch_fields.clear();
  m_scratch_ends.clear();
#if defined(__SSE2__)
  if (next_simple(fields)) return true;
#endif
  const char* s = m_text.data();
  const std::size_t n = m_text.size();
  std::size_t pos = m_pos;

  // Skip blank lines.
  while (pos < n && (s[pos] == '\n' || s[pos] == '\r')) {
    if (s[pos] == '\n' || pos + 1 >= n || s[pos + 1] != '\n') ++m_line;
    ++pos;
  }
  if (pos >= n) {
    m_pos = n;
    return false;
  }
  m_record_line = m_line;
  m_record_offset = pos;

  for (;;) {
    if (pos < n && s[pos] == '"') {
      const std::uint64_t open_line = m_line;
      const std::size_t open_pos = pos;
      std::size_t start = ++pos;
      bool simple = true;
      for (;;) {
        const void* q = std::memchr(s + pos, '"', n - pos);
        std::size_t qpos = q ? static_cast<std::size_t>(static_cast<const char*>(q) - s) : n;
        for (std::size_t i = pos; i < qpos; ++i) {
          if (s[i] == '\n') ++m_line;
          else if (s[i] == '\r') {
            simple = false;
            if (i + 1 >= qpos || s[i + 1] != '\n') ++m_line;
          }
        }
        if (qpos >= n) return fail("quoted field is never closed (missing '\"')", open_line, open_pos);
        if (qpos + 1 < n && s[qpos + 1] == '"') {
          simple = false;
          pos = qpos + 2;
          continue;
        }
        pos = qpos + 1;
        break;
      }
      const std::size_t end = pos - 1;  // the closing quote
      if (simple) {
        fields.emplace_back(s + start, end - start);
      } else {
        std::size_t at = m_scratch.size();
        for (std::size_t i = start; i < end; ++i) {
          char c = s[i];
          if (c == '"') {
            ++i;  // "" → "
          } else if (c == '\r') {
            if (i + 1 < end && s[i + 1] == '\n') continue;
            c = '\n';
          }
          m_scratch.push_back(c);
        }
        m_scratch_fields.emplace_back(fields.size(), at);
        m_scratch_ends.push_back(m_scratch.size());
        fields.emplace_back();
      }
      if (pos < n && s[pos] != ',' && s[pos] != '\n' && s[pos] != '\r') {
        return fail(fmt::format("unexpected character after the closing quote of field {}", fields.size()), m_line,
                    pos);
      }
    } else {
      std::size_t start = pos;
      while (pos < n && !k_unquoted_stop[static_cast<unsigned char>(s[pos])]) ++pos;
      fields.emplace_back(s + start, pos - start);
    }
    if (pos >= n) break;
    char c = s[pos];
    if (c == ',') {
      ++pos;
      if (pos >= n) {  // a trailing comma at the very end: one more empty field
        fields.emplace_back();
        break;
      }
      continue;
    }
    // Line end: LF, CRLF or CR.
    ++pos;
    if (c == '\r' && pos < n && s[pos] == '\n') ++pos;
    ++m_line;
    break;
  }
  for (std::size_t k = 0; k < m_scratch_fields.size(); ++k) {
    auto [index, at] = m_scratch_fields[k];
    fields[index] = std::string_view(m_scratch).substr(at, m_scratch_ends[k] - at);
  }
  m_pos = pos;
  return true;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace kunren::io
