#include <algorithm>
#include <atomic>
#include <tuple>

#include "core/core.h"

namespace dossier::core {

std::string SourceLocation::ToString() const {
  std::string s = path;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

SourceLocation LocationAt(std::string_view path, std::string_view text, size_t offset) {
  SourceLocation loc{std::string(path), 1, 1};
  offset = std::min(offset, text.size());
  for (size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++loc.column;
    }
  }
  return loc;
}

std::string Diagnostic::ToString() const {
  std::string s = location.ToString();
  if (!s.empty()) s += ": ";
  s += severity == Severity::kError ? "error: " : "warning: ";
  return s + message;
}

void Diagnostics::Warn(SourceLocation loc, std::string message) {
  items_.push_back({Severity::kWarning, std::move(loc), std::move(message)});
}
void Diagnostics::Error(SourceLocation loc, std::string message) {
  items_.push_back({Severity::kError, std::move(loc), std::move(message)});
}
void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}
bool Diagnostics::HasErrors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::kError; });
}
size_t Diagnostics::WarningCount() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
}
void Diagnostics::Sort() {
  std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.location.path, a.location.line, a.location.column) <
           std::tie(b.location.path, b.location.line, b.location.column);
  });
}

Status Status::Invalid(std::string msg, SourceLocation loc) { return Status(Code::kInvalidInput, std::move(msg), std::move(loc)); }
Status Status::NotFound(std::string msg, SourceLocation loc) { return Status(Code::kNotFound, std::move(msg), std::move(loc)); }
Status Status::Io(std::string msg, SourceLocation loc) { return Status(Code::kIoError, std::move(msg), std::move(loc)); }
Status Status::Usage(std::string msg) { return Status(Code::kUsage, std::move(msg), {}); }
Status Status::Internal(std::string msg) { return Status(Code::kInternal, std::move(msg), {}); }

Status& Status::WithContext(std::string context) {
  context_.push_back(std::move(context));
  return *this;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s = location_.ToString();
  if (!s.empty()) s += ": ";
  s += "error: " + message_;
  for (const auto& c : context_) s += "\n  while " + c;
  return s;
}

namespace {
std::atomic<bool> g_interrupt{false};
static_assert(std::atomic<bool>::is_always_lock_free, "RequestInterrupt must be async-signal-safe");
}  // namespace

void RequestInterrupt() { g_interrupt.store(true, std::memory_order_relaxed); }
bool InterruptRequested() { return g_interrupt.load(std::memory_order_relaxed); }
Status Interrupted() { return Status::Io("interrupted"); }

}  // namespace dossier::core
