// core: the vocabulary every stage shares. Status and diagnostics (errors are
// values, never exceptions), source locations, UTF-8 text helpers, stable
// hashing, and the file-system helpers that are the project's only direct
// users of std::filesystem for reading and atomic writing.
// Nothing here knows about articles, pages or themes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dossier::core {

// ---- Locations and diagnostics --------------------------------------------

struct SourceLocation {
  std::string path;  // as given by the user (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  std::string ToString() const;  // "path", "path:line" or "path:line:col"
};

// Byte offset in `text` -> 1-based line and column (column counts code points).
SourceLocation LocationAt(std::string_view path, std::string_view text, size_t offset);

enum class Severity { kWarning, kError };

struct Diagnostic {
  Severity severity = Severity::kWarning;
  SourceLocation location;
  std::string message;
  std::string ToString() const;  // "path:line: warning: message"
};

class Diagnostics {
 public:
  void Warn(SourceLocation loc, std::string message);
  void Error(SourceLocation loc, std::string message);
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Append(const Diagnostics& other);
  const std::vector<Diagnostic>& items() const { return items_; }
  bool HasErrors() const;
  size_t WarningCount() const;
  bool empty() const { return items_.empty(); }
  // Stable order for printing: by path, line, column, then insertion order.
  void Sort();

 private:
  std::vector<Diagnostic> items_;
};

// ---- Status ----------------------------------------------------------------

enum class Code { kOk, kInvalidInput, kNotFound, kIoError, kUsage, kInternal };

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string msg, SourceLocation loc = {});
  static Status NotFound(std::string msg, SourceLocation loc = {});
  static Status Io(std::string msg, SourceLocation loc = {});
  static Status Usage(std::string msg);
  static Status Internal(std::string msg);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const SourceLocation& location() const { return location_; }
  // Adds an outer "while ..." line, printed after the message.
  Status& WithContext(std::string context);
  // "path:line:col: error: message\n  while ..."
  std::string ToString() const;

 private:
  Status(Code c, std::string m, SourceLocation l) : code_(c), message_(std::move(m)), location_(std::move(l)) {}
  Code code_ = Code::kOk;
  std::string message_;
  SourceLocation location_;
  std::vector<std::string> context_;
};

// ---- Interruption ----------------------------------------------------------

// Set by the CLI's SIGINT/SIGTERM handler (async-signal-safe: one lock-free
// atomic store). Long stages poll InterruptRequested() between units of work
// and stop with Interrupted(); the build then removes its temporary folder.
void RequestInterrupt();
bool InterruptRequested();
Status Interrupted();  // Status::Io("interrupted")

// ---- Threads ---------------------------------------------------------------

// Runs fn(i) for every i in [0, n), each index once, on up to `threads`
// threads (0: one per core), the caller's among them; when a thread cannot
// be started, the others share the work. fn writes only its own slot, so
// results never depend on the threads.
void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn);

// ---- Text ------------------------------------------------------------------

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);
// Decodes Windows-1252 bytes to UTF-8 (undefined bytes map to U+FFFD).
std::string Windows1252ToUtf8(std::string_view s);
// Decodes UTF-16 (LE or BE) to UTF-8; unpaired surrogates become U+FFFD.
std::string Utf16ToUtf8(std::string_view bytes, bool big_endian);
// Removes a leading UTF-8 BOM and turns CRLF / lone CR into LF.
std::string NormalizeNewlines(std::string_view s);
std::string_view Trim(std::string_view s);
std::string ToLowerAscii(std::string_view s);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
std::vector<std::string> SplitLines(std::string_view s);
// Collapses runs of whitespace (incl. NBSP) to one space and trims.
std::string CollapseWhitespace(std::string_view s);
// Lower-case ASCII slug: letters and digits kept (non-ASCII letters are
// transliterated where simple, else dropped), other runs become '-'. Never
// empty ("untitled"), never starts with '.', at most `max_len` bytes, and
// never a Windows device name (con, nul, aux, ...).
std::string Slugify(std::string_view s, size_t max_len = 80);
// Number of code points of valid UTF-8.
size_t Utf8Length(std::string_view s);
// Longest prefix of at most `max_bytes` that does not cut a code point.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);
// Levenshtein distance, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` (distance <= 3 and < len), or "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);
// Stable 64-bit FNV-1a as 16 lower-case hex digits.
std::string HashHex(std::string_view data);
// A fast hash of file contents (16 bytes per step, ~10x FNV-1a), as 16
// lower-case hex digits: for what Dossier compares within one version of
// itself (site files' hashes and manifest, cache keys, serve's record of its
// own writes). The same on every machine and run. Not for what content/
// keeps (briefings record HashHex, which must never change).
std::string ContentHashHex(std::string_view data);
// ContentHashHex of a file's bytes, read in pieces (memory bounded whatever
// its size); "" when it cannot be read.
std::string ContentHashHexOfFile(const std::filesystem::path& path);

// A fast 64-bit fingerprint of a sequence of values, for in-process caches
// (a memo keyed by everything a result depends on). Not stable across
// builds of Dossier: on disk only inside a cache that is discarded when the
// executable changes (pipeline's `.dossier-cache/`, which also records
// FingerprintProbe() to notice a changed standard library).
class Fingerprint {
 public:
  Fingerprint& Add(std::string_view s);
  Fingerprint& Add(uint64_t v);
  Fingerprint& Add(int v) { return Add(static_cast<uint64_t>(static_cast<int64_t>(v))); }
  Fingerprint& Add(bool v) { return Add(static_cast<uint64_t>(v ? 1 : 2)); }
  Fingerprint& Add(const char* s) { return Add(std::string_view(s)); }
  Fingerprint& Add(const std::string& s) { return Add(std::string_view(s)); }
  Fingerprint& Add(double v);
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0x9e3779b97f4a7c15ULL;
};
// Fingerprint of fixed values: differs when Fingerprint's hashing does.
uint64_t FingerprintProbe();
// Appends code point `cp` (<= U+10FFFF) encoded as UTF-8.
void AppendUtf8(std::string* out, uint32_t cp);
// Backslash-escapes every character Markdown could turn into markup
// (emphasis, links, HTML, code, tables, Dossier's {#id} anchors), so the
// text shows literally; newlines become spaces.
std::string EscapeMarkdownInline(std::string_view text);
// Escapes what would open a block at the start of a line ("- ", "1. ").
std::string EscapeMarkdownLineStart(std::string text);
// Escapes &, <, >, " and ' for HTML text and attributes.
std::string HtmlEscape(std::string_view s);

// ---- Files -----------------------------------------------------------------

namespace fs = std::filesystem;

Status ReadFile(const fs::path& path, std::string* out);
// A fingerprint of a file's size, modification and change times, inode and
// device (0 when it cannot be stat'ed): equal stamps mean the file was not
// written in between, for in-process caches.
uint64_t FileStamp(const fs::path& path);
// Writes through a temporary file in the same folder and renames it into
// place, so a reader never sees a half-written file. Creates parent folders.
Status WriteFileAtomic(const fs::path& path, std::string_view data);
// The same for a file written in pieces: Open() creates the temporary file
// (and parent folders), Write() appends (false after the first failure, whose
// error Commit() reports), Commit() closes it and renames it into place. A
// writer destroyed without a successful Commit() removes its temporary file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(fs::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  Status Open();
  bool Write(std::string_view data);
  Status Commit();

 private:
  fs::path path_, tmp_;
  int fd_ = -1;
  int error_ = 0;
  bool committed_ = false;
};
// Plain write (truncate + write), creating parent folders; for files inside
// a folder that is itself swapped into place.
Status WriteFile(const fs::path& path, std::string_view data);
// A new file (new inode) at `path`: whatever was there is unlinked first,
// so the bytes never go through a hard link shared with another path.
// Creates parent folders. Made for a folder being filled from empty: the
// usual case takes one open(O_EXCL), no stat or unlink before it.
Status WriteNewFile(const fs::path& path, std::string_view data);
// The same, opened for the caller to write (and close): *fd is the new
// file's descriptor.
Status OpenNewFile(const fs::path& path, int* fd);
// Writes all of `data` to `fd` (on through short writes and EINTR); 0, or
// the errno of the call that failed.
int WriteAll(int fd, std::string_view data);
// A hard link at `path` to `target`, replacing what was there, creating
// parent folders; false when it cannot be made (the target is gone, or the
// file system has no links): the caller then writes the file itself.
bool LinkNewFile(const fs::path& target, const fs::path& path);
// Writes only when the content differs (keeps mtimes of unchanged files).
Status WriteFileIfChanged(const fs::path& path, std::string_view data);
// `child` lies inside `parent` once both are made absolute and normalised.
bool IsInside(const fs::path& child, const fs::path& parent);
// The running executable (Linux: /proc/self/exe), or "" when unknown.
fs::path ExecutablePath();
// Path as a generic string with '/' separators.
std::string GenericString(const fs::path& p);

// ---- Bytes (on-disk caches) ------------------------------------------------

// A compact binary encoding for caches Dossier writes for itself (varint
// integers, length-prefixed strings). Not a data format for users.
class ByteWriter {
 public:
  void U64(uint64_t v);
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Bool(bool v) { U64(v ? 1 : 0); }
  void F64(double v);
  void Fixed64(uint64_t v);  // 8 bytes, little-endian
  void Str(std::string_view s);
  void Strs(const std::vector<std::string>& v);
  void Ints(const std::vector<int>& v);
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads what ByteWriter wrote. Every read checks its bounds: on malformed
// input the reader turns not ok() (sticky) and reads give zero values, so
// a damaged cache is detected and dropped, never trusted.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint64_t U64();
  int64_t I64() {
    uint64_t v = U64();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  int Int();  // an I64 that must fit an int
  bool Bool() { return U64() != 0; }
  double F64();
  uint64_t Fixed64();
  std::string Str();
  std::string_view View(uint64_t n);  // the next n bytes, not copied
  std::vector<std::string> Strs();
  std::vector<int> Ints();
  // A count of items that each take at least one byte (guards reserve()).
  size_t Count();
  bool ok() const { return ok_; }
  bool done() const { return ok_ && pos_ == in_.size(); }
  void Fail() { ok_ = false; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// ---- Memory ------------------------------------------------------------------

// For short-lived batch commands that allocate heavily: grows the malloc heap
// now by `bytes` (address space; pages are only backed when touched), keeps
// freed memory for reuse instead of returning it, and advises transparent
// huge pages for it, so that the process takes a few hundred page faults
// instead of one per 4 KiB touched (on virtual machines a fault costs several
// microseconds). Call once, first thing, from the main thread; not for
// long-running processes (memory is never returned to the system). Returns
// whether huge pages were advised; a no-op without glibc or under sanitizers.
bool PrepareBatchHeap(size_t bytes);

}  // namespace dossier::core
