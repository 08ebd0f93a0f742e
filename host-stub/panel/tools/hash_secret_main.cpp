// panelhost-hash-secret: prints the secret_hash for an agent's secret, for the
// "agents" list of the host config.
//   panelhost-hash-secret 's3cret'        (visible in ps and shell history)
//   printf '%s' 's3cret' | panelhost-hash-secret     (reads stdin; one trailing newline dropped)
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "pd/panel/secret.h"

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
    std::cerr << "usage: panelhost-hash-secret [SECRET]   (without SECRET, reads it from stdin)\n";
    return 2;
  }
  std::string secret;
  if (argc == 2) {
    secret = argv[1];
  } else {
    secret.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  }
  if (secret.empty()) {
    std::cerr << "panelhost-hash-secret: the secret is empty\n";
    return 1;
  }
  const std::string hash = pd::panel::hash_secret(secret);
  if (hash.empty()) {
    std::cerr << "panelhost-hash-secret: OpenSSL could not hash the secret\n";
    return 1;
  }
  std::cout << hash << '\n';
  return 0;
}
