// TLS over a connected TCP socket, with OpenSSL 3. The server is trusted
// only when its certificate verifies against the configured CAs and names
// the host we connected to; a failure says which check failed, and there
// is never a fallback to plaintext.
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>

#include "transport.hpp"

namespace bg::redis::net {
namespace {

// OpenSSL's own socket BIO writes with write(), which raises SIGPIPE when
// the server has gone; a library must not kill its host process, nor
// change its signal dispositions. This BIO sends with MSG_NOSIGNAL instead.
int bio_fd(BIO* bio) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(bio))); }

int bio_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::send(bio_fd(bio), data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_write(bio);
  return static_cast<int>(n);
}

int bio_read(BIO* bio, char* buffer, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t n = ::recv(bio_fd(bio), buffer, static_cast<std::size_t>(length), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) BIO_set_retry_read(bio);
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int command, long, void*) {
  // The TLS layer flushes after each handshake flight; our writes are
  // unbuffered, so a flush always succeeds. Nothing else is supported.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_method() {
  // Made once and kept for the life of the process (OpenSSL has no static
  // BIO_METHOD for custom BIOs).
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bgtasks socket");
    if (m == nullptr) return m;
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

/// OpenSSL's queued errors, oldest first, as one line; the queue is emptied.
std::string openssl_errors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    // "error:0A000086:SSL routines::certificate verify failed": the reason
    // after the last ':' is what a reader needs.
    const char* reason = ERR_reason_error_string(code);
    if (!out.empty()) out += "; ";
    out += reason != nullptr ? reason : text;
  }
  return out;
}

struct CtxFree {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};

bool is_ip_literal(const std::string& host) {
  in6_addr ignored{};
  return ::inet_pton(AF_INET, host.c_str(), &ignored) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ignored) == 1;
}

void require_readable(const std::string& parameter, const std::string& file) {
  if (::access(file.c_str(), R_OK) != 0) {
    throw TransportError("cannot read the " + parameter + " file " + file + ": " + std::strerror(errno));
  }
}

/// The context: which CAs to trust, whether to verify, our own certificate.
std::unique_ptr<SSL_CTX, CtxFree> make_context(const Endpoint::Tls& tls) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) throw TransportError("cannot create a TLS context: " + openssl_errors());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (tls.cert_reqs == Endpoint::Tls::Verify::none) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (tls.ca_certs.empty()) {
      if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
        throw TransportError("cannot load the system's CA certificates: " + openssl_errors());
      }
    } else {
      require_readable("ssl_ca_certs", tls.ca_certs);
      if (SSL_CTX_load_verify_locations(ctx.get(), tls.ca_certs.c_str(), nullptr) != 1) {
        throw TransportError("the ssl_ca_certs file " + tls.ca_certs +
                             " holds no PEM certificate OpenSSL can read: " + openssl_errors());
      }
    }
  }
  if (!tls.keyfile.empty() && tls.certfile.empty()) {
    throw TransportError("ssl_keyfile is set without ssl_certfile: set both for a client certificate");
  }
  if (!tls.certfile.empty()) {
    const std::string& keyfile = tls.keyfile.empty() ? tls.certfile : tls.keyfile;
    require_readable("ssl_certfile", tls.certfile);
    require_readable(tls.keyfile.empty() ? "ssl_certfile" : "ssl_keyfile", keyfile);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.certfile.c_str()) != 1) {
      throw TransportError("the ssl_certfile " + tls.certfile + " holds no PEM certificate: " + openssl_errors());
    }
    // No pass phrase: OpenSSL's default would prompt on the terminal and
    // block a worker (or a producer's request) with no deadline.
    SSL_CTX_set_default_passwd_cb(ctx.get(), [](char*, int, int, void*) { return 0; });
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw TransportError("the key file " + keyfile +
                           " holds no PEM private key that can be read without a pass phrase (an encrypted key "
                           "is not supported: write it out unencrypted, readable by this user only): " +
                           openssl_errors());
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
      throw TransportError("the private key in " + keyfile + " does not belong to the certificate in " +
                           tls.certfile);
    }
  }
  return ctx;
}

/// Why a handshake failed, with what to do about it.
std::string handshake_failure(SSL* ssl, int error, const Endpoint& endpoint) {
  const long verified = SSL_get_verify_result(ssl);
  std::string queued = openssl_errors();
  if (verified != X509_V_OK) {
    std::string why = std::string("the server's certificate was rejected: ") +
                      X509_verify_cert_error_string(verified);
    switch (verified) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return why + " (renew the server's certificate)";
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return why + " (check the clocks, or the certificate's start date)";
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return why + " (the certificate does not name " + endpoint.host +
               ": connect by a name it lists, or set ssl_check_hostname=false)";
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return why + (endpoint.tls.ca_certs.empty()
                          ? " (set ssl_ca_certs to the CA certificate that signed the server's)"
                          : " (ssl_ca_certs=" + endpoint.tls.ca_certs + " is not the CA that signed the server's)");
      default:
        return why;
    }
  }
  if (error == SSL_ERROR_SYSCALL || (error == SSL_ERROR_SSL && queued.find("unexpected eof") != std::string::npos)) {
    return "the server closed the connection during the TLS handshake" +
           (queued.empty() ? std::string() : " (" + queued + ")") +
           "; is this the server's TLS port (tls-port), and does it want a client certificate (ssl_certfile)?";
  }
  if (queued.find("wrong version number") != std::string::npos ||
      queued.find("packet length too long") != std::string::npos) {
    return "the TLS handshake failed: " + queued +
           " (is this a plaintext port? rediss:// needs the server's TLS port, its tls-port)";
  }
  return "the TLS handshake failed: " + (queued.empty() ? std::string("no reason given") : queued);
}

class TlsTransport final : public Transport {
 public:
  TlsTransport(FileDescriptor socket, const Endpoint& endpoint, Clock::time_point deadline)
      : socket_(std::move(socket)), ctx_(make_context(endpoint.tls)), ssl_(SSL_new(ctx_.get())) {
    if (!ssl_) throw TransportError("cannot create a TLS session: " + openssl_errors());
    const BIO_METHOD* method = socket_method();
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (bio == nullptr) throw TransportError("cannot create a TLS socket BIO: " + openssl_errors());
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(socket_.get())));
    SSL_set_bio(ssl_.get(), bio, bio);  // the session owns the BIO now
    const bool ip = is_ip_literal(endpoint.host);
    // SNI names a host, never an address (RFC 6066).
    if (!ip) SSL_set_tlsext_host_name(ssl_.get(), endpoint.host.c_str());
    if (endpoint.tls.cert_reqs != Endpoint::Tls::Verify::none && endpoint.tls.check_hostname) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, endpoint.host.c_str())
                         : X509_VERIFY_PARAM_set1_host(param, endpoint.host.c_str(), 0);
      if (set != 1) throw TransportError("cannot check the host name " + endpoint.host + ": " + openssl_errors());
    }
    handshake(endpoint, deadline);
  }

  void write(std::string_view data, std::chrono::milliseconds timeout) override {
    // SSL_write sends every record of the buffer or fails; after a failure
    // part of it may have left, so any failure here is "maybe sent".
    std::size_t done = 0;
    while (done < data.size()) {
      const int chunk = static_cast<int>(std::min<std::size_t>(data.size() - done, INT_MAX));
      ERR_clear_error();
      errno = 0;
      const int n = SSL_write(ssl_.get(), data.data() + done, chunk);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      wait_or_throw(n, timeout, "the server took no data for ", true);
    }
  }

  std::size_t read(char* buffer, std::size_t size, std::chrono::milliseconds timeout) override {
    for (;;) {
      ERR_clear_error();
      errno = 0;
      const int n = SSL_read(ssl_.get(), buffer, static_cast<int>(std::min<std::size_t>(size, INT_MAX)));
      if (n > 0) return static_cast<std::size_t>(n);
      wait_or_throw(n, timeout, "no reply within ", false);
    }
  }

  bool closed() override {
    pollfd p{socket_.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    // Readable while idle: a TLS 1.3 session ticket (consumed here, and the
    // connection is fine), an alert or close, or stray bytes.
    char byte = 0;
    ERR_clear_error();
    const int n = SSL_peek(ssl_.get(), &byte, 1);
    if (n > 0) return true;
    const int error = SSL_get_error(ssl_.get(), n);
    ERR_clear_error();
    return error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE;
  }

  ~TlsTransport() override {
    // A polite close_notify, without waiting for the server's.
    if (ssl_ && SSL_is_init_finished(ssl_.get())) {
      ERR_clear_error();
      SSL_shutdown(ssl_.get());
      ERR_clear_error();
    }
  }
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

 private:
  void handshake(const Endpoint& endpoint, Clock::time_point deadline) {
    for (;;) {
      ERR_clear_error();
      const int result = SSL_connect(ssl_.get());
      if (result == 1) return;
      const int error = SSL_get_error(ssl_.get(), result);
      const short events = error == SSL_ERROR_WANT_READ ? POLLIN : error == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
      if (events == 0) throw TransportError(handshake_failure(ssl_.get(), error, endpoint));
      if (!wait_until(socket_.get(), events, deadline)) {
        throw TransportError("the TLS handshake did not finish within " +
                             milliseconds_text(endpoint.connect_timeout) +
                             " (is this the server's TLS port? a plaintext port does not answer a handshake)");
      }
    }
  }

  /// After an SSL_read or SSL_write that returned `result` <= 0: waits for
  /// what OpenSSL needs, or throws why it cannot go on.
  void wait_or_throw(int result, std::chrono::milliseconds timeout, const char* timed_out, bool writing) {
    const int saved_errno = errno;
    const int error = SSL_get_error(ssl_.get(), result);
    short events = 0;
    if (error == SSL_ERROR_WANT_READ) events = POLLIN;
    if (error == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    if (events != 0) {
      if (!wait_until(socket_.get(), events, Clock::now() + timeout)) {
        throw TransportError(timed_out + milliseconds_text(timeout), writing);
      }
      return;
    }
    std::string queued = openssl_errors();
    if (error == SSL_ERROR_ZERO_RETURN) throw TransportError("the server closed the TLS connection", writing);
    if (error == SSL_ERROR_SYSCALL) {
      throw TransportError(queued.empty() ? (saved_errno != 0 ? std::string(std::strerror(saved_errno))
                                                              : std::string("the server closed the connection"))
                                          : queued,
                           writing);
    }
    throw TransportError("TLS: " + (queued.empty() ? std::string("error ") + std::to_string(error) : queued),
                         writing);
  }

  FileDescriptor socket_;
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
};

}  // namespace

std::unique_ptr<Transport> tls_transport(FileDescriptor socket, const Endpoint& endpoint, Clock::time_point deadline) {
  return std::make_unique<TlsTransport>(std::move(socket), endpoint, deadline);
}

}  // namespace bg::redis::net
