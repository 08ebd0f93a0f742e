#include "pd/store/dsn.h"

#include <charconv>
#include <cstdlib>

namespace pd::store {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `what` names the part for the error message; the text itself is not echoed
// because it may be the password.
pd::Result<std::string> percent_decode(std::string_view text, std::string_view what) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return pd::fail(pd::Error::invalid("bad percent-encoding in the DSN's " + std::string(what) +
                                         " (a '%' must be followed by two hex digits)"));
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/');
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

std::string host_part(const Dsn& d) {
  std::string host = d.host.find(':') != std::string::npos ? "[" + d.host + "]" : d.host;
  if (d.socket.empty()) host += ":" + std::to_string(d.port);
  return host;
}

std::string build(const Dsn& d, std::string_view password_text) {
  std::string out = "mysql://" + percent_encode(d.user, false);
  if (!password_text.empty()) out += ":" + std::string(password_text);
  out += "@" + host_part(d) + "/" + percent_encode(d.database, false);
  if (!d.socket.empty()) out += "?socket=" + percent_encode(d.socket, true);
  return out;
}

}  // namespace

std::string Dsn::to_uri() const {
  return build(*this, percent_encode(password, false));
}

std::string Dsn::redacted() const {
  return build(*this, password.empty() ? "" : "***");
}

Dsn Dsn::with_database(std::string name) const {
  Dsn copy = *this;
  copy.database = std::move(name);
  return copy;
}

pd::Result<Dsn> parse_dsn(std::string_view text) {
  constexpr std::string_view kForm =
      " (expected mysql://user:pass@host:port/db or mysql://user:pass@localhost/db?socket=/path)";
  auto bad = [&](std::string what) {
    return pd::fail(pd::Error::invalid(what + std::string(kForm)));
  };

  std::string_view rest;
  for (std::string_view scheme : {"mysql://", "mariadb://"}) {
    if (text.starts_with(scheme)) rest = text.substr(scheme.size());
  }
  if (rest.data() == nullptr) {
    if (text.empty()) return bad("empty DSN");
    return bad("DSN must start with mysql://");
  }

  // Split off "?options" and "/database" first: the password may hold any
  // character except an unencoded '@', so the userinfo ends at the last '@'
  // before the path.
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto at = rest.rfind('@');
  if (at == std::string_view::npos) return bad("missing user (no '@' in the DSN)");
  std::string_view userinfo = rest.substr(0, at);
  std::string_view hostpath = rest.substr(at + 1);
  auto slash = hostpath.find('/');
  if (slash == std::string_view::npos)
    return bad("missing database name (no '/db' after the host)");
  std::string_view hostport = hostpath.substr(0, slash);
  std::string_view dbtext = hostpath.substr(slash + 1);

  Dsn dsn;
  std::string_view user_text = userinfo, pass_text;
  if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
    user_text = userinfo.substr(0, colon);
    pass_text = userinfo.substr(colon + 1);
  }
  auto user = percent_decode(user_text, "user");
  if (!user) return pd::fail(user.error());
  if (user->empty()) return bad("missing user");
  auto pass = percent_decode(pass_text, "password");
  if (!pass) return pd::fail(pass.error());
  dsn.user = std::move(*user);
  dsn.password = std::move(*pass);

  std::string_view host = hostport, port_text;
  if (hostport.starts_with('[')) {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after ']' in the host");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("empty port after ':'");
    }
  } else if (auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port_text = hostport.substr(colon + 1);
    if (port_text.empty()) return bad("empty port after ':'");
  }
  dsn.host = std::string(host);
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
      return bad("bad port '" + std::string(port_text) + "' (1..65535)");
    dsn.port = static_cast<std::uint16_t>(port);
  }

  auto db = percent_decode(dbtext, "database name");
  if (!db) return pd::fail(db.error());
  if (db->empty()) return bad("missing database name");
  if (db->find('/') != std::string::npos) return bad("database name must not contain '/'");
  dsn.database = std::move(*db);

  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (key == "socket") {
      auto path = percent_decode(value, "socket path");
      if (!path) return pd::fail(path.error());
      if (path->empty()) return bad("empty socket path");
      dsn.socket = std::move(*path);
    } else {
      return bad("unknown DSN option '" + std::string(key) + "' (known: socket)");
    }
  }

  if (!dsn.socket.empty()) {
    if (dsn.host.empty()) dsn.host = "localhost";
    if (dsn.host != "localhost")
      return bad("socket= needs the host 'localhost', not '" + dsn.host + "'");
    if (!port_text.empty()) return bad("a port makes no sense with socket=");
  } else if (dsn.host.empty()) {
    return bad("missing host");
  }
  return dsn;
}

pd::Result<Dsn> dsn_from_environment() {
  const char* text = std::getenv("PD_MYSQL_DSN");
  if (text == nullptr || *text == '\0')
    return pd::fail(pd::Error::not_found("PD_MYSQL_DSN is not set"));
  auto dsn = parse_dsn(text);
  if (!dsn) return pd::fail(pd::Error::invalid("PD_MYSQL_DSN: " + dsn.error().message));
  return dsn;
}

}  // namespace pd::store
