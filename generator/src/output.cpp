#include "output.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace bg::gen {

std::map<std::string, bool> write_changed(const std::string& dir, const std::map<std::string, std::string>& files) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("bg-gen: cannot create output directory '" + dir + "': " + ec.message());

  std::map<std::string, bool> written;
  for (const auto& [name, content] : files) {
    fs::path path = fs::path(dir) / name;
    {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::ostringstream existing;
        existing << in.rdbuf();
        if (existing.str() == content) {
          written[name] = false;
          continue;
        }
      }
    }
    fs::path temporary = path;
    temporary += ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << content;
      out.close();
      if (!out) throw std::runtime_error("bg-gen: cannot write '" + temporary.string() + "'");
    }
    fs::rename(temporary, path, ec);
    if (ec) throw std::runtime_error("bg-gen: cannot replace '" + path.string() + "': " + ec.message());
    written[name] = true;
  }
  return written;
}

}  // namespace bg::gen
