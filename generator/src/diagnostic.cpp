#include "diagnostic.hpp"

#include <fstream>
#include <map>

namespace bg::gen {
namespace {

class SourceLines {
 public:
  const std::string* line(const std::string& file, unsigned number) {
    auto it = files_.find(file);
    if (it == files_.end()) {
      std::vector<std::string> lines;
      std::ifstream in(file, std::ios::binary);
      for (std::string text; std::getline(in, text);) {
        if (!text.empty() && text.back() == '\r') text.pop_back();
        lines.push_back(std::move(text));
      }
      it = files_.emplace(file, std::move(lines)).first;
    }
    if (number == 0 || number > it->second.size()) return nullptr;
    return &it->second[number - 1];
  }

 private:
  std::map<std::string, std::vector<std::string>> files_;
};

void render_one(std::string& out, SourceLines& sources, const SourcePos& pos, const char* severity,
                const std::string& message) {
  out += pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + severity + ": " +
         message + "\n";
  const std::string* line = sources.line(pos.file, pos.line);
  if (line == nullptr) return;
  out += *line + "\n";
  // Keep tabs so that the caret lines up under the same text.
  std::string caret;
  for (unsigned i = 1; i < pos.column && i - 1 < line->size(); ++i) caret += (*line)[i - 1] == '\t' ? '\t' : ' ';
  out += caret + "^\n";
}

}  // namespace

std::string render(const std::vector<Diagnostic>& diagnostics) {
  SourceLines sources;
  std::string out;
  for (const auto& d : diagnostics) {
    render_one(out, sources, d.pos, d.warning ? "warning" : "error", d.message);
    for (const auto& n : d.notes) render_one(out, sources, n.pos, "note", n.message);
  }
  return out;
}

size_t error_count(const std::vector<Diagnostic>& diagnostics) {
  size_t n = 0;
  for (const auto& d : diagnostics) n += d.warning ? 0 : 1;
  return n;
}

}  // namespace bg::gen
