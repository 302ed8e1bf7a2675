// ByteWriter / ByteReader: the encoding of Dossier's own caches (core.h).
#include <cstring>
#include <limits>

#include "core/core.h"

namespace dossier::core {

void ByteWriter::U64(uint64_t v) {
  while (v >= 0x80) {
    out_ += static_cast<char>(static_cast<unsigned char>(v | 0x80));
    v >>= 7;
  }
  out_ += static_cast<char>(v);
}

void ByteWriter::F64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  Fixed64(bits);
}

void ByteWriter::Fixed64(uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out_.append(b, 8);
}

void ByteWriter::Str(std::string_view s) {
  U64(s.size());
  out_.append(s.data(), s.size());
}

void ByteWriter::Strs(const std::vector<std::string>& v) {
  U64(v.size());
  for (const auto& s : v) Str(s);
}

void ByteWriter::Ints(const std::vector<int>& v) {
  U64(v.size());
  for (int x : v) I64(x);
}

uint64_t ByteReader::U64() {
  uint64_t v = 0;
  for (int shift = 0; ok_; shift += 7) {
    if (pos_ >= in_.size() || shift > 63) break;
    auto b = static_cast<unsigned char>(in_[pos_++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
  }
  ok_ = false;
  return 0;
}

int ByteReader::Int() {
  int64_t v = I64();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    ok_ = false;
    return 0;
  }
  return static_cast<int>(v);
}

double ByteReader::F64() {
  uint64_t bits = Fixed64();
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

uint64_t ByteReader::Fixed64() {
  std::string_view b = View(8);
  uint64_t v = 0;
  for (size_t i = 0; i < b.size(); ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
  return v;
}

std::string_view ByteReader::View(uint64_t n) {
  if (!ok_ || n > in_.size() - pos_) {
    ok_ = false;
    return {};
  }
  std::string_view v = in_.substr(pos_, n);
  pos_ += n;
  return v;
}

size_t ByteReader::Count() {
  uint64_t n = U64();
  if (n > in_.size() - pos_) {
    ok_ = false;
    return 0;
  }
  return static_cast<size_t>(n);
}

std::string ByteReader::Str() { return std::string(View(Count())); }

std::vector<std::string> ByteReader::Strs() {
  size_t n = Count();
  std::vector<std::string> v;
  v.reserve(n);
  for (size_t i = 0; i < n && ok_; ++i) v.push_back(Str());
  return v;
}

std::vector<int> ByteReader::Ints() {
  size_t n = Count();
  std::vector<int> v;
  v.reserve(n);
  for (size_t i = 0; i < n && ok_; ++i) v.push_back(Int());
  return v;
}

uint64_t FingerprintProbe() {
  return Fingerprint().Add("dossier").Add(uint64_t{42}).Add(0.5).Add(std::string(300, 'x')).value();
}

}  // namespace dossier::core
