#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>

#include "core/core.h"

namespace dossier::core {
namespace {

void AppendUtf8Ref(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Windows-1252 0x80..0x9F; 0 = undefined.
constexpr std::array<uint16_t, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool IsSpaceByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += len;
  }
  return true;
}

std::string Windows1252ToUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else if (c < 0xA0) {
      uint16_t cp = kCp1252High[c - 0x80];
      AppendUtf8Ref(out, cp ? cp : 0xFFFD);
    } else {
      AppendUtf8Ref(out, c);
    }
  }
  return out;
}

std::string Utf16ToUtf8(std::string_view b, bool big_endian) {
  std::string out;
  auto unit = [&](size_t i) -> uint32_t {
    unsigned char x = static_cast<unsigned char>(b[i]), y = static_cast<unsigned char>(b[i + 1]);
    return big_endian ? (x << 8 | y) : (y << 8 | x);
  };
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
      uint32_t v = unit(i + 2);
      if (v >= 0xDC00 && v <= 0xDFFF) {
        AppendUtf8Ref(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
        i += 2;
        continue;
      }
    }
    AppendUtf8Ref(out, (u >= 0xD800 && u <= 0xDFFF) ? 0xFFFD : u);
  }
  return out;
}

std::string NormalizeNewlines(std::string_view s) {
  if (StartsWith(s, "\xEF\xBB\xBF")) s.remove_prefix(3);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpaceByte(s[b])) ++b;
  while (e > b && IsSpaceByte(s[e - 1])) --e;
  return s.substr(b, e - b);
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      if (start < s.size()) lines.emplace_back(s.substr(start));
      break;
    }
    lines.emplace_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string CollapseWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool space = IsSpaceByte(c);
    if (!space && static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      space = true;
      ++i;
    }
    if (space) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string Slugify(std::string_view s, size_t max_len) {
  std::string out;
  bool dash = false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::string piece;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      piece = static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      piece = static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && i + 1 < s.size()) {
      // Latin-1 letters: transliterate the common ones.
      static const char* kMap[64] = {"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i",
                                     "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",  "o", "u",
                                     "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a", "a", "a", "ae",
                                     "c", "e", "e", "e", "e", "i", "i", "i", "i", "d", "n", "o", "o",
                                     "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0xBF) piece = kMap[d - 0x80];
      ++i;
    } else if (c == '\'' || (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                             static_cast<unsigned char>(s[i + 2]) == 0x99)) {
      if (c == 0xE2) i += 2;
      continue;  // apostrophes vanish: "Russia's" -> "russias"
    } else if (c >= 0x80) {
      while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xC0) == 0x80) ++i;
    }
    if (piece.empty()) {
      dash = !out.empty();
      continue;
    }
    if (dash) out += '-';
    dash = false;
    out += piece;
  }
  if (out.size() > max_len) {
    // Cut at the last word boundary that keeps at least half the length.
    size_t cut = out.rfind('-', max_len);
    out.resize(cut != std::string::npos && cut >= max_len / 2 ? cut : max_len);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  if (out.empty()) out = "untitled";
  static const char* kReserved[] = {"con", "prn", "aux", "nul", "com1", "com2", "com3", "com4",
                                    "lpt1", "lpt2", "lpt3", "index", "search", "404"};
  for (const char* r : kReserved)
    if (out == r) return out + "-page";
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 4;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d && d < std::max<size_t>(word.size(), 2)) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string HashHex(std::string_view data) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {
// Little-endian loads, so the hash is the same on every machine.
inline uint64_t Load64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}
inline uint64_t Load32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
  return v;
}
// 64x64 -> 128-bit multiply, folded (the mixing step of wyhash-style hashes).
inline uint64_t Mum(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
}  // namespace

namespace {
constexpr uint64_t kH0 = 0xa0761d6478bd642fULL, kH1 = 0xe7037ed1a0b428dbULL, kH2 = 0x8ebc6af09c88c6e3ULL,
                   kH3 = 0x589965cc75374cc3ULL;
// The hash's state before its blocks, for `size` bytes in all.
inline uint64_t HashStart(uint64_t size) { return kH0 ^ Mum(size ^ kH1, kH2); }
// Folds in the 16-byte blocks at p[0, 16 * blocks).
inline uint64_t HashBlocks(uint64_t h, const unsigned char* p, size_t blocks) {
  for (size_t i = 0; i < blocks; ++i, p += 16) h = Mum(Load64(p) ^ kH1, Load64(p + 8) ^ h ^ kH3);
  return h;
}
// The last 1..16 bytes (none only for empty input) and the size.
std::string HashFinish(uint64_t h, const unsigned char* p, size_t n, uint64_t size) {
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (uint64_t(p[0]) << 16) | (uint64_t(p[n >> 1]) << 8) | p[n - 1];
  }
  h = Mum(kH1 ^ Mum(a ^ kH1, b ^ h ^ kH3), size ^ kH2);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}
}  // namespace

std::string ContentHashHex(std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t n = data.size();
  // Blocks while more than 16 bytes are left; the rest is the tail.
  const size_t blocks = n > 16 ? (n - 1) / 16 : 0;
  const uint64_t h = HashBlocks(HashStart(n), p, blocks);
  return HashFinish(h, p + 16 * blocks, n - 16 * blocks, n);
}

std::string ContentHashHexOfFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return "";
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const uint64_t blocks = size > 16 ? (size - 1) / 16 : 0;
  uint64_t h = HashStart(size);
  // Read in pieces of whole blocks; the tail (1..16 bytes) last.
  constexpr size_t kPiece = size_t(1) << 20;  // a multiple of 16
  std::unique_ptr<unsigned char[]> buf(new unsigned char[kPiece]);
  uint64_t done = 0;  // bytes of blocks folded in
  bool ok = true;
  auto read_at = [&](unsigned char* to, size_t len, uint64_t at) {
    size_t got = 0;
    while (got < len) {
      ssize_t r = ::pread(fd, to + got, len - got, static_cast<off_t>(at + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  };
  while (ok && done < blocks * 16) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(kPiece, blocks * 16 - done));
    ok = read_at(buf.get(), len, done);
    if (ok) h = HashBlocks(h, buf.get(), len / 16);
    done += len;
  }
  const size_t tail = static_cast<size_t>(size - blocks * 16);
  if (ok) ok = read_at(buf.get(), tail, blocks * 16);
  ::close(fd);
  return ok ? HashFinish(h, buf.get(), tail, size) : "";
}

namespace {
uint64_t Mix64(uint64_t x) {  // the splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
}  // namespace

Fingerprint& Fingerprint::Add(std::string_view s) {
  h_ = Mix64(h_ ^ std::hash<std::string_view>{}(s));
  h_ = Mix64(h_ + s.size());
  return *this;
}

Fingerprint& Fingerprint::Add(uint64_t v) {
  h_ = Mix64(h_ ^ Mix64(v + 0x632be59bd9b4e019ULL));
  return *this;
}

Fingerprint& Fingerprint::Add(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return Add(bits);
}

void AppendUtf8(std::string* out, uint32_t cp) { AppendUtf8Ref(*out, cp); }

std::string EscapeMarkdownInline(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '&':
      case '|': case '~': case '{': case '}': case '#': case '!':
        out += '\\';
        out += c;
        break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeMarkdownLineStart(std::string s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == '=')) s.insert(0, "\\");
  size_t d = 0;
  while (d < s.size() && s[d] >= '0' && s[d] <= '9') ++d;
  if (d > 0 && d < s.size() && (s[d] == '.' || s[d] == ')')) s.insert(d, "\\");
  return s;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace dossier::core
