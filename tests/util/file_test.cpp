#include <kunren/util/file.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "../test_support.hpp"

namespace kunren::util {
namespace {

TEST(MappedFile, ReadsAFileAndAnEmptyFile) {
  kunren::testing::TempDir dir;
  auto f = MappedFile::open(dir.write("a.txt", "hello\n"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(f->data(), "hello\n");
  auto e = MappedFile::open(dir.write("empty.txt", ""));
  ASSERT_TRUE(e.is_ok());
  EXPECT_TRUE(e->data().empty());
}

TEST(MappedFile, MissingFileIsBadInputNamingIt) {
  auto f = MappedFile::open("/nonexistent/kunren/file.csv");
  ASSERT_FALSE(f.is_ok());
  EXPECT_EQ(f.status().kind(), ErrorKind::kBadInput);
  EXPECT_EQ(f.status().where().file, "/nonexistent/kunren/file.csv");
}

TEST(MappedFile, MovedFileKeepsItsData) {
  MappedFile a = MappedFile::from_string("abc");
  MappedFile b = std::move(a);
  EXPECT_EQ(b.data(), "abc");
}

TEST(WriteFileAtomic, ReplacesTheTargetAndLeavesNoTemporaryFile) {
  kunren::testing::TempDir dir;
  const std::string path = dir.write("out.json", "old");
  ASSERT_TRUE(write_file_atomic(path, "new").is_ok());
  EXPECT_EQ(kunren::testing::read_all(path), "new");
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

// Regression: `-o /dev/null` once renamed a plain file over the device node.
TEST(WriteFileAtomic, WritesIntoAPipeOrDeviceInsteadOfReplacingIt) {
  kunren::testing::TempDir dir;
  const std::string fifo = dir.path("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The read end, opened without blocking, lets the writer open the pipe; the
  // text fits in the pipe's buffer, so nothing waits on anything.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  Status st = write_file_atomic(fifo, "through the pipe");
  char buf[64] = {};
  ssize_t n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe");
  struct stat sb {};
  ASSERT_EQ(::stat(fifo.c_str(), &sb), 0);
  EXPECT_TRUE(S_ISFIFO(sb.st_mode)) << "the pipe was replaced by a plain file";
}

TEST(WriteFileAtomic, OwnerOnlyFilesAreMode600WhateverTheUmask) {
  kunren::testing::TempDir dir;
  const std::string path = dir.path("bundle.json");
  const mode_t old = ::umask(022);
  Status st = write_file_atomic(path, "{}", FileAccess::kOwnerOnly);
  Status plain = write_file_atomic(dir.path("report.html"), "<p>");
  ::umask(old);
  ASSERT_TRUE(st.is_ok() && plain.is_ok());
  struct stat sb {};
  ASSERT_EQ(::stat(path.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(dir.path("report.html").c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0644u);
}

TEST(WriteStreamAtomic, AFailingWriterLeavesTheOldFileUntouched) {
  kunren::testing::TempDir dir;
  const std::string path = dir.write("out.csv", "previous report");
  Status st = write_stream_atomic(path, [](std::ostream& out) {
    out << "half of a new report";
    return Status::bad_input("the input turned out to be bad");
  });
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(kunren::testing::read_all(path), "previous report");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(WriteFileAtomic, UnwritableDirectoryIsAnIoError) {
  Status st = write_file_atomic("/nonexistent-dir/kunren/out.html", "x");
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.kind(), ErrorKind::kIo);
  EXPECT_EQ(exit_code_for(st.kind()), 3);
}

}  // namespace
}  // namespace kunren::util
