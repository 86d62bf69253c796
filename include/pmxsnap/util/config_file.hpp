// The text of pmxsnap.conf(5): an INI dialect read by hand, not by CLI11's
// config reader, because the file's promises need what CLI11 cannot give: a
// key in a [command] section applies to that command only, and a key no
// option takes is refused with the file and line that hold it.
//
// Parsing knows nothing of pmxsnap's options; it turns text into entries
// and refuses malformed lines. Which keys a section may hold is decided by
// the caller (cli/), which knows the commands.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pmxsnap {

struct ConfigValue {
    std::string text;
    int line = 0;
};

// One key of one section, with every value it was given: a list
// (`recipient = ["a", "b"]`) or the key on several lines.
struct ConfigEntry {
    std::string section; // empty: before the first [section] line
    std::string key;
    int section_line = 0;
    std::vector<ConfigValue> values;
};

// Throws Error("<name>:<line>: <why>") for a malformed line. Entries keep
// the order of their first appearance; a key given again in the same
// section adds values to the first entry.
std::vector<ConfigEntry> parse_config_file(std::string_view text, const std::string& name);

} // namespace pmxsnap
