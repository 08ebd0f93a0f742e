#include <ctemplate/template.h>

#include "pd/template_cache.h"

#include <mutex>
#include <unordered_set>

#include "pd/dialplan/dialplan.h"

namespace pd::dialplan {

namespace {

// Bounded: see pd/template_cache.h.
pd::Result<std::string> cache(const std::string& text) {
  static pd::TemplateCache templates("pd-dialplan:");
  if (auto key = templates.key_for(text)) return *key;
  return pd::fail(pd::Error::invalid("the dialplan template does not parse"));
}

void set_destination(ctemplate::TemplateDictionary& section, const char* prefix,
                     const Destination& destination) {
  const std::string p(prefix);
  section.SetValue(p + "_CONTEXT", destination.context);
  section.SetValue(p + "_EXTEN", destination.exten);
  section.SetValue(p + "_PRIORITY", destination.priority);
}

}  // namespace

pd::Result<std::string> render_helpers(std::string_view template_text,
                                       const std::vector<HelperCampaign>& campaigns,
                                       const HelperSettings& settings) {
  if (auto ok = check_name(settings.dial_context, "dial context setting"); !ok) {
    return pd::fail(ok.error());
  }
  if (settings.dial_timeout_s < 1 || settings.dial_timeout_s > 600) {
    return pd::fail(
        pd::Error::invalid("dial timeout setting: " + std::to_string(settings.dial_timeout_s) +
                           " is outside 1..600 seconds"));
  }
  auto key = cache(std::string(template_text));
  if (!key) return pd::fail(key.error());

  ctemplate::TemplateDictionary dictionary("dialplan");
  for (const HelperCampaign& campaign : campaigns) {
    const std::string what = "campaign '" + campaign.name + "'";
    if (auto ok = check_name(campaign.name, "campaign name"); !ok) return pd::fail(ok.error());
    // Re-check what the caller parsed: nothing unchecked reaches the file.
    auto destination =
        parse_destination(campaign.destination.context + "," + campaign.destination.exten + "," +
                              campaign.destination.priority,
                          what + " destination");
    if (!destination) return pd::fail(destination.error());
    ctemplate::TemplateDictionary* section = dictionary.AddSectionDictionary("CAMPAIGN");
    section->SetValue("NAME", campaign.name);
    section->SetValue("MODE", check_name(campaign.mode, "mode") ? campaign.mode : "?");
    section->SetValue("DEST_KIND",
                      check_name(campaign.dest_kind, "kind") ? campaign.dest_kind : "?");
    section->SetValue("DIAL_CONTEXT", settings.dial_context);
    section->SetIntValue("DIAL_TIMEOUT", settings.dial_timeout_s);
    set_destination(*section, "DEST", *destination);
    if (campaign.predictive) {
      const auto queue_ok =
          !campaign.queue.empty() && campaign.queue.size() <= 64 &&
          campaign.queue.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") ==
              std::string::npos;
      if (!queue_ok) return pd::fail(pd::Error::invalid(what + ": bad queue name for predictive"));
      const std::string& sound = campaign.abandon_message;
      const bool sound_ok =
          !sound.empty() && sound.size() <= 128 && sound.front() != '/' && sound.front() != '.' &&
          sound.find("..") == std::string::npos &&
          sound.find_first_not_of(
              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/") ==
              std::string::npos;
      if (!sound_ok) return pd::fail(pd::Error::invalid(what + ": bad abandon message"));
      if (campaign.connect_limit_s < 1 || campaign.connect_limit_s > 30) {
        return pd::fail(pd::Error::invalid(what + ": connect limit outside 1..30 seconds"));
      }
      ctemplate::TemplateDictionary* p = section->AddSectionDictionary("PREDICTIVE");
      p->SetValue("QUEUE", campaign.queue);
      p->SetIntValue("CONNECT_LIMIT", campaign.connect_limit_s);
      p->SetValue("ABANDON_MESSAGE", sound);
    } else {
      section->AddSectionDictionary("PLAIN");
    }
    if (campaign.has_amd) {
      auto amd = parse_destination(campaign.amd_destination.context + "," +
                                       campaign.amd_destination.exten + "," +
                                       campaign.amd_destination.priority,
                                   what + " AMD destination");
      if (!amd) return pd::fail(amd.error());
      ctemplate::TemplateDictionary* amd_section = section->AddSectionDictionary("AMD");
      set_destination(*amd_section, "AMD", *amd);
    }
  }
  std::string body;
  if (!ctemplate::ExpandTemplate(*key, ctemplate::DO_NOT_STRIP, &dictionary, &body)) {
    return pd::fail(pd::Error::invalid("the dialplan template could not be expanded"));
  }
  while (!body.empty() && body.front() == '\n') body.erase(body.begin());
  std::string block;
  block.append(kBeginMarker).append(" (written by PanelDialer; edits here are replaced)\n");
  block.append(body);
  if (!block.empty() && block.back() != '\n') block.push_back('\n');
  block.append(kEndMarker).push_back('\n');
  return block;
}

}  // namespace pd::dialplan
