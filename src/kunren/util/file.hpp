// Reading input files without copying them, and writing output files so that
// a failure never leaves a half-written file behind.
//
// MappedFile owns a read-only memory mapping (or, for standard input and
// files that cannot be mapped, an owned buffer); data() stays valid for the
// object's lifetime. write_file_atomic writes to a temporary file beside the
// target and renames it into place only when everything was written.
// Thread safety: MappedFile is movable, not copyable; reading from one object
// on several threads is fine.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include <kunren/util/status.hpp>

namespace kunren::util {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // Opens `path` ("-" reads standard input into memory).
  static Result<MappedFile> open(const std::string& path);
  // Wraps bytes already in memory (tests, embedded files).
  static MappedFile from_string(std::string bytes);

  std::string_view data() const { return m_view; }

 private:
  void* m_map = nullptr;
  std::size_t m_map_size = 0;
  std::string m_owned;
  std::string_view m_view;
};

// Who may read a written file: the umask's default, or the owner only (for
// files as sensitive as the database, such as campaign bundles).
enum class FileAccess { kDefault, kOwnerOnly };

// Writes `content` to `path` atomically ("-" writes to standard output).
// On failure the target is untouched and the temporary file removed.
Status write_file_atomic(const std::string& path, std::string_view content,
                         FileAccess access = FileAccess::kDefault);

// Like write_file_atomic, for output produced by a writer on a stream (large
// outputs that should not be held in memory twice). The target appears only
// if `write` returns ok and every byte was written.
Status write_stream_atomic(const std::string& path, const std::function<Status(std::ostream&)>& write,
                           FileAccess access = FileAccess::kDefault);

}  // namespace kunren::util
