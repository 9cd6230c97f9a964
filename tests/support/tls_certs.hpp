// TlsCerts: certificates for TLS tests, made with the openssl command line
// (no certificate is checked in, so none expires in the repository). One CA
// signs a server certificate for 127.0.0.1, ::1 and localhost, a client
// certificate, an expired server certificate and one for another host name;
// a second CA signs nothing of ours (the "wrong CA"). Elliptic-curve keys:
// they are made in milliseconds.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace bg_test {

class TlsCerts {
 public:
  struct Pair {
    std::string cert, key;  ///< PEM files
  };

  /// Makes every certificate in a new directory under the temp directory.
  /// Throws std::runtime_error with openssl's output when a step fails.
  TlsCerts() {
    dir_ = std::filesystem::temp_directory_path() / ("bg-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    write_config();
    ca_ = authority("ca", "bgtasks-test-ca");
    other_ca_ = authority("other-ca", "bgtasks-other-ca");
    server_ = leaf("server", "server_ext", "bgtasks-test-server", 2, 1);
    client_ = leaf("client", "client_ext", "bgtasks-test-client", 2, 2);
    expired_ = leaf("expired", "server_ext", "bgtasks-expired-server", -1, 3);
    other_host_ = leaf("other-host", "other_ext", "other.example", 2, 4);
  }
  ~TlsCerts() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TlsCerts(const TlsCerts&) = delete;
  TlsCerts& operator=(const TlsCerts&) = delete;

  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  /// The CA that signed the others; what a client trusts (ssl_ca_certs).
  [[nodiscard]] const Pair& ca() const noexcept { return ca_; }
  /// A CA that signed none of these.
  [[nodiscard]] const Pair& other_ca() const noexcept { return other_ca_; }
  /// For 127.0.0.1, ::1 and localhost, valid for two days.
  [[nodiscard]] const Pair& server() const noexcept { return server_; }
  /// A client certificate, for mutual TLS.
  [[nodiscard]] const Pair& client() const noexcept { return client_; }
  /// For 127.0.0.1 and localhost, expired a day before it was made.
  [[nodiscard]] const Pair& expired() const noexcept { return expired_; }
  /// Valid, for other.example only.
  [[nodiscard]] const Pair& other_host() const noexcept { return other_host_; }

 private:
  void write_config() {
    std::ofstream out(dir_ / "openssl.cnf");
    out << "[req]\n"
           "distinguished_name = dn\n"
           "prompt = no\n"
           "[dn]\n"
           "CN = bgtasks-test\n"
           "[ca_ext]\n"
           "basicConstraints = critical,CA:TRUE\n"
           "keyUsage = critical,keyCertSign,cRLSign\n"
           "subjectKeyIdentifier = hash\n"
           "[server_ext]\n"
           "basicConstraints = CA:FALSE\n"
           "keyUsage = critical,digitalSignature,keyEncipherment\n"
           "extendedKeyUsage = serverAuth,clientAuth\n"
           "subjectAltName = IP:127.0.0.1,IP:::1,DNS:localhost\n"
           "[client_ext]\n"
           "basicConstraints = CA:FALSE\n"
           "keyUsage = critical,digitalSignature\n"
           "extendedKeyUsage = clientAuth\n"
           "[other_ext]\n"
           "basicConstraints = CA:FALSE\n"
           "keyUsage = critical,digitalSignature,keyEncipherment\n"
           "extendedKeyUsage = serverAuth\n"
           "subjectAltName = DNS:other.example\n";
  }

  [[nodiscard]] std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void openssl(const std::string& arguments) const {
    const std::string log = path("openssl.log");
    const std::string command = "openssl " + arguments + " > '" + log + "' 2>&1";
    if (std::system(command.c_str()) != 0) {
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      throw std::runtime_error("TlsCerts: '" + command + "' failed (is openssl installed?):\n" + text.str());
    }
  }

  [[nodiscard]] std::string new_key(const std::string& name) const {
    return "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" + path(name + ".key") + "'";
  }

  Pair authority(const std::string& name, const std::string& cn) {
    openssl("req -x509 -config '" + path("openssl.cnf") + "' -extensions ca_ext " + new_key(name) + " -out '" +
            path(name + ".crt") + "' -days 2 -subj /CN=" + cn);
    return {path(name + ".crt"), path(name + ".key")};
  }

  /// A certificate signed by ca(); `days` may be negative (already expired).
  Pair leaf(const std::string& name, const std::string& extensions, const std::string& cn, int days, int serial) {
    openssl("req -new -config '" + path("openssl.cnf") + "' " + new_key(name) + " -out '" + path(name + ".csr") +
            "' -subj /CN=" + cn);
    openssl("x509 -req -in '" + path(name + ".csr") + "' -CA '" + ca_.cert + "' -CAkey '" + ca_.key +
            "' -set_serial " + std::to_string(serial) + " -days " + std::to_string(days) + " -extfile '" +
            path("openssl.cnf") + "' -extensions " + extensions + " -out '" + path(name + ".crt") + "'");
    return {path(name + ".crt"), path(name + ".key")};
  }

  std::filesystem::path dir_;
  Pair ca_, other_ca_, server_, client_, expired_, other_host_;
};

}  // namespace bg_test
