#include <kunren/util/file.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <fmt/format.h>

namespace kunren::util {

MappedFile::MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this == &other) return *this;
  if (m_map != nullptr) ::munmap(m_map, m_map_size);
  m_map = std::exchange(other.m_map, nullptr);
  m_map_size = std::exchange(other.m_map_size, 0);
  const bool owned = other.m_view.data() == other.m_owned.data();
  m_owned = std::move(other.m_owned);
  m_view = owned ? std::string_view(m_owned) : other.m_view;
  other.m_view = {};
  return *this;
}

MappedFile::~MappedFile() {
  if (m_map != nullptr) ::munmap(m_map, m_map_size);
}

MappedFile MappedFile::from_string(std::string bytes) {
  MappedFile f;
  f.m_owned = std::move(bytes);
  f.m_view = f.m_owned;
  return f;
}

Result<MappedFile> MappedFile::open(const std::string& path) {
  if (path == "-") {
    std::string all{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    return from_string(std::move(all));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::bad_input(fmt::format("cannot open: {}", std::strerror(errno)), Location{path});
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::bad_input("cannot read: not a regular file", Location{path});
  }
  MappedFile f;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
      ::madvise(p, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
      f.m_map = p;
      f.m_map_size = static_cast<std::size_t>(st.st_size);
      f.m_view = std::string_view(static_cast<const char*>(p), f.m_map_size);
      ::close(fd);
      return f;
    }
  }
  // Pipes, FIFOs and anything mmap refuses: read it all.
  std::string buf;
  char chunk[1 << 16];
  for (;;) {
    ssize_t got = ::read(fd, chunk, sizeof chunk);
    if (got < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return Status::io_error(fmt::format("read failed: {}", std::strerror(e)), Location{path});
    }
    if (got == 0) break;
    buf.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return from_string(std::move(buf));
}

Status write_file_atomic(const std::string& path, std::string_view content, FileAccess access) {
  return write_stream_atomic(
      path,
      [&](std::ostream& out) {
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        return Status::ok();
      },
      access);
}

// Output files are replaced atomically (write beside, then rename) so that a
// failed run never leaves a half-written report. They are not fsync'ed: they
// are derived data that can be produced again; durability is the store's job.
Status write_stream_atomic(const std::string& path, const std::function<Status(std::ostream&)>& write,
                           FileAccess access) {
  if (path == "-") {
    KUNREN_RETURN_IF_ERROR(write(std::cout));
    std::cout.flush();
    if (!std::cout) return Status::io_error("cannot write to standard output");
    return Status::ok();
  }
  namespace fs = std::filesystem;
  // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written to directly:
  // renaming over it would replace the device node with a plain file.
  std::error_code ec;
  auto kind = fs::status(path, ec).type();
  if (!ec && kind != fs::file_type::regular && kind != fs::file_type::not_found && kind != fs::file_type::directory) {
    std::ofstream out(path, std::ios::binary);
    if (!out) return Status::io_error(fmt::format("cannot open for writing: {}", std::strerror(errno)), Location{path});
    KUNREN_RETURN_IF_ERROR(write(out));
    out.close();
    if (!out) return Status::io_error("cannot write output", Location{path});
    return Status::ok();
  }
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::random_device rd;
  std::string tmp = (dir / fmt::format(".{}.tmp-{:08x}", target.filename().string(), rd())).string();
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Status::io_error(fmt::format("cannot create output file: {}", std::strerror(errno)), Location{path});
  }
  // Restricted before the first byte is written, so no one can open it in between.
  if (access == FileAccess::kOwnerOnly && ::chmod(tmp.c_str(), 0600) != 0) {
    out.close();
    ::unlink(tmp.c_str());
    return Status::io_error(fmt::format("cannot restrict access to the output file: {}", std::strerror(errno)),
                            Location{path});
  }
  Status st = write(out);
  out.close();
  if (st.is_ok() && !out) st = Status::io_error("cannot write output file (disk full?)", Location{path});
  if (st.is_ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::io_error(fmt::format("cannot move output into place: {}", std::strerror(errno)), Location{path});
  }
  if (!st.is_ok()) ::unlink(tmp.c_str());
  return st;
}


}  // namespace kunren::util
