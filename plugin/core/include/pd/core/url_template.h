// The CRM link of a campaign's contact card: a URL template
// (dialer_campaigns.crm_url_template) filled with the call's values, each
// percent-encoded.
//
// Syntax (the admin page applies the same rules: pd_check_crm_url_template in
// admin-php/lib/validate.php, both held to tests/data/validation-cases.json,
// "crm_url_templates"):
//   - empty: no link;
//   - at most 1000 bytes of printable ASCII (no space: write %20), starting
//     with http:// or https:// (any case); no other scheme;
//   - the host is written as is: [A-Za-z0-9.-] (not starting or ending with
//     '.' or '-'), an optional :port (0 to 65535), no user@, no
//     placeholder before the first '/', '?' or '#' - so a value can never
//     choose the server the link goes to;
//   - after the host: RFC 3986 characters, '%' only as %XX, and placeholders
//       {NUMBER}   the number dialed (inbound: the caller's)
//       {NAME}     the contact's name
//       {LEAD_ID}  dialer_numbers.id (inbound: empty)
//       {CALL_ID}  the engine's call id
//       {CAMPAIGN} the campaign's name
//       {AGENT}    the agent's extension
//       {VARIABLE:name}  the number's variable `name` ([A-Za-z_][A-Za-z0-9_]{0,63},
//                  exact case; empty when the number has none)
//     any other text in braces, or a lone '{' / '}', is refused.
// Every value is percent-encoded (RFC 3986: all but A-Z a-z 0-9 - . _ ~ as
// %XX, UTF-8 bytes one by one), so a value cannot add a parameter, a path or a
// fragment.
//
// Threads: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pd/result.h"

namespace pd::core {

inline constexpr size_t kMaxUrlTemplateBytes = 1000;

// Ok, or an invalid-argument Error whose message starts with "CRM link: ".
pd::Status check_url_template(std::string_view text);

// RFC 3986 percent-encoding of every byte outside the unreserved set.
std::string percent_encode(std::string_view value);

struct UrlValues {
  std::string number;
  std::string name;
  std::string lead_id;
  std::string call_id;
  std::string campaign;
  std::string agent;
  std::vector<std::pair<std::string, std::string>> variables;  // name, value
};

// The link, or check_url_template's error. Empty text: an empty link.
pd::Result<std::string> render_url_template(std::string_view text, const UrlValues& values);

}  // namespace pd::core
