// The bounded cache of parsed templates (pd/template_cache.h).
#include "pd/template_cache.h"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("template cache: at most kMaxTemplates texts - the oldest leaves ctemplate's cache") {
  pd::TemplateCache cache("pd-test-bound:");
  std::string first_key;
  for (int i = 0; i < 20; ++i) {
    auto key = cache.key_for("text {{N}} " + std::to_string(i));
    REQUIRE(key.has_value());
    if (i == 0) first_key = *key;
  }
  CHECK(cache.size() == pd::TemplateCache::kMaxTemplates);
  ctemplate::TemplateDictionary dictionary("t");
  dictionary.SetValue("N", "x");
  std::string out;
  // Evicted: ctemplate no longer knows the key (and says so rather than crash).
  CHECK_FALSE(ctemplate::ExpandTemplate(first_key, ctemplate::DO_NOT_STRIP, &dictionary, &out));
  // The newest is still there, and asking again for a known text parses nothing anew.
  auto last = cache.key_for("text {{N}} 19");
  REQUIRE(last.has_value());
  CHECK(ctemplate::ExpandTemplate(*last, ctemplate::DO_NOT_STRIP, &dictionary, &out));
  CHECK(out == "text x 19");
  CHECK(cache.size() == pd::TemplateCache::kMaxTemplates);
  CHECK_FALSE(cache.key_for("{{#OPEN}} never closed").has_value());
}
