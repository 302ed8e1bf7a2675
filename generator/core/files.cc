#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/core.h"

namespace dossier::core {

int WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

namespace {

// Writes `data` to the open `fd` and closes it; the error names `path`.
Status WriteAndClose(int fd, std::string_view data, const fs::path& path) {
  int err = WriteAll(fd, data);
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) return Status::Io(std::string("cannot write: ") + std::strerror(err), {GenericString(path)});
  return Status::Ok();
}

}  // namespace

Status ReadFile(const fs::path& path, std::string* out) {
  // One read into a buffer sized from fstat (a stream copy would grow the
  // string by doubling: several copies and page faults per file). Reads on
  // until EOF, so files that grow while read, pipes and /proc files work too.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(std::string("cannot read: ") + std::strerror(errno), {GenericString(path)});
  struct stat st;
  size_t want = 0;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::Io(std::string("cannot read: ") + std::strerror(EISDIR), {GenericString(path)});
    }
    if (S_ISREG(st.st_mode) && st.st_size > 0) want = static_cast<size_t>(st.st_size);
  }
  std::string data;
  data.resize(want + 1);  // one spare byte: EOF is seen without growing
  size_t len = 0;
  while (true) {
    if (len == data.size()) data.resize(data.size() < 4096 ? 8192 : data.size() * 2);
    ssize_t n = ::read(fd, data.data() + len, data.size() - len);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::Io(std::string("read failed: ") + std::strerror(err), {GenericString(path)});
    }
    if (n == 0) break;
    len += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(len);
  *out = std::move(data);
  return Status::Ok();
}

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!tmp_.empty() && !committed_) {
    std::error_code ignored;
    fs::remove(tmp_, ignored);
  }
}

Status AtomicFileWriter::Open() {
  std::error_code ec;
  if (path_.has_parent_path()) {
    fs::create_directories(path_.parent_path(), ec);
    if (ec) return Status::Io("cannot create folder: " + ec.message(), {GenericString(path_.parent_path())});
  }
  tmp_ = path_;
  tmp_ += ".dossier-tmp-" + std::to_string(getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    int err = errno;
    tmp_.clear();
    return Status::Io(std::string("cannot write: ") + std::strerror(err), {GenericString(path_)});
  }
  return Status::Ok();
}

bool AtomicFileWriter::Write(std::string_view data) {
  if (fd_ < 0 || error_ != 0) {
    if (error_ == 0) error_ = EBADF;
    return false;
  }
  error_ = WriteAll(fd_, data);
  return error_ == 0;
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0 && error_ == 0) error_ = EBADF;
  if (fd_ >= 0) {
    if (::close(fd_) != 0 && error_ == 0) error_ = errno;
    fd_ = -1;
  }
  if (error_ != 0) return Status::Io(std::string("cannot write: ") + std::strerror(error_), {GenericString(path_)});
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) return Status::Io("cannot replace file: " + ec.message(), {GenericString(path_)});
  committed_ = true;
  return Status::Ok();
}

Status WriteFileAtomic(const fs::path& path, std::string_view data) {
  AtomicFileWriter w(path);
  Status st = w.Open();
  if (!st.ok()) return st;
  w.Write(data);
  return w.Commit();
}

Status WriteFile(const fs::path& path, std::string_view data) {
  std::error_code ec;
  if (path.has_parent_path() && !fs::is_directory(path.parent_path(), ec)) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return Status::Io("cannot create folder: " + ec.message(), {GenericString(path.parent_path())});
  }
  // POSIX calls, so that the error reported is the one of the call that
  // failed (a buffered stream may only fail at close, when errno of an
  // earlier call would still be set: a full disk then read "No such file").
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return Status::Io(std::string("cannot write: ") + std::strerror(errno), {GenericString(path)});
  return WriteAndClose(fd, data, path);
}

Status WriteNewFile(const fs::path& path, std::string_view data) {
  int fd = -1;
  Status st = OpenNewFile(path, &fd);
  if (!st.ok()) return st;
  return WriteAndClose(fd, data, path);
}

Status OpenNewFile(const fs::path& path, int* fd_out) {
  // open(O_EXCL): EEXIST -> unlink what is there; ENOENT -> make the folders.
  int fd = -1, err = 0;
  for (int attempt = 0; attempt < 3 && fd < 0; ++attempt) {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) break;
    err = errno;
    std::error_code ec;
    if (err == EEXIST) {
      fs::remove(path, ec);
    } else if (err == ENOENT && path.has_parent_path()) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) return Status::Io("cannot create folder: " + ec.message(), {GenericString(path.parent_path())});
    } else {
      return Status::Io(std::string("cannot write: ") + std::strerror(err), {GenericString(path)});
    }
  }
  if (fd < 0) return Status::Io(std::string("cannot write: ") + std::strerror(err), {GenericString(path)});
  *fd_out = fd;
  return Status::Ok();
}

bool LinkNewFile(const fs::path& target, const fs::path& path) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::link(target.c_str(), path.c_str()) == 0) return true;
    const int err = errno;
    std::error_code ec;
    if (err == EEXIST) {
      fs::remove(path, ec);
    } else if (err == ENOENT && path.has_parent_path() && !fs::is_directory(path.parent_path(), ec)) {
      fs::create_directories(path.parent_path(), ec);
      if (ec) return false;
    } else {
      return false;  // the target is gone, or links are not possible here
    }
  }
  return false;
}

Status WriteFileIfChanged(const fs::path& path, std::string_view data) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    std::string old;
    if (ReadFile(path, &old).ok() && old == data) return Status::Ok();
  }
  return WriteFileAtomic(path, data);
}

fs::path ExecutablePath() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

bool IsInside(const fs::path& child, const fs::path& parent) {
  fs::path c = fs::absolute(child).lexically_normal();
  fs::path p = fs::absolute(parent).lexically_normal();
  auto ci = c.begin();
  for (auto pi = p.begin(); pi != p.end(); ++pi, ++ci) {
    if (pi->empty()) continue;  // trailing slash
    if (ci == c.end() || *ci != *pi) return false;
  }
  return true;
}

std::string GenericString(const fs::path& p) { return p.generic_string(); }

uint64_t FileStamp(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return 0;
  return Fingerprint()
      .Add(static_cast<uint64_t>(st.st_size))
      .Add(static_cast<uint64_t>(st.st_mtim.tv_sec))
      .Add(static_cast<uint64_t>(st.st_mtim.tv_nsec))
      .Add(static_cast<uint64_t>(st.st_ctim.tv_sec))
      .Add(static_cast<uint64_t>(st.st_ctim.tv_nsec))
      .Add(static_cast<uint64_t>(st.st_ino))
      .Add(static_cast<uint64_t>(st.st_dev))
      .value();
}

}  // namespace dossier::core
