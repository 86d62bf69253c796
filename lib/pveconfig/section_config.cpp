#include "pmxsnap/pveconfig/section_config.hpp"

#include "pmxsnap/util/text.hpp"

#include <map>
#include <regex>

namespace pmxsnap::pveconfig {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

bool indented(std::string_view line) {
    return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

bool next_content_is_indented(const std::vector<std::string_view>& lines, std::size_t i) {
    for (++i; i < lines.size(); ++i)
        if (!trim_blanks(lines[i]).empty())
            return indented(lines[i]);
    return false;
}

class Builder {
  public:
    Builder() { config_.sections.push_back({"", 0, {}}); }

    void open_section(std::string name, int line) {
        config_.sections.push_back({std::move(name), line, {}});
        seen_.clear();
    }

    void add(std::string key, std::string_view value, int line) {
        auto count = ++seen_[key];
        if (count > 1)
            key += " #" + std::to_string(count);
        config_.sections.back().entries.push_back({std::move(key), std::string(value), line});
    }

    SectionConfig finish() {
        if (config_.sections.front().entries.empty() && config_.sections.size() > 1)
            config_.sections.erase(config_.sections.begin());
        return std::move(config_);
    }

  private:
    SectionConfig config_;
    std::map<std::string, int> seen_;
};

// "key: value" (qemu, datacenter.cfg) or "type:id:field:..." (user.cfg).
void add_colon_line(Builder& builder, const std::smatch& m, int line) {
    std::string key = m[1], spacing = m[2], rest = m[3];
    auto colon = rest.find(':');
    if (spacing.empty() && colon != std::string::npos) {
        builder.add(key + ":" + rest.substr(0, colon), rest.substr(colon + 1), line);
        return;
    }
    builder.add(key, trim_blanks(rest), line);
}

} // namespace

const Section* SectionConfig::find(std::string_view name) const {
    for (const auto& section : sections)
        if (section.name == name)
            return &section;
    return nullptr;
}

SectionConfig parse_section_config(std::string_view text) {
    static const std::regex bracket(R"(^\[(.*)\]$)");
    static const std::regex header(R"(^([A-Za-z0-9_-]+):\s+(\S+)$)");
    // mapping/{pci,usb,directory}.cfg: the id alone heads a section.
    static const std::regex id_header(R"(^[A-Za-z0-9][A-Za-z0-9_.-]*$)");
    static const std::regex colon_line(R"(^([A-Za-z0-9_.-]+):(\s*)(.*)$)");
    Builder builder;
    auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        int number = static_cast<int>(i) + 1;
        auto content = trim_blanks(lines[i]);
        if (content.empty())
            continue;
        std::string line(content);
        std::smatch m;
        if (content.front() == '#') {
            builder.add("#", trim_blanks(content.substr(1)), number);
        } else if (indented(lines[i])) {
            auto space = line.find_first_of(" \t");
            builder.add(line.substr(0, space),
                        space == std::string::npos ? "" : trim_blanks(content.substr(space)),
                        number);
        } else if (std::regex_match(line, m, bracket) ||
                   // A bare id never has the ": " of a typed header below.
                   (std::regex_match(line, id_header) && next_content_is_indented(lines, i))) {
            builder.open_section(line, number);
        } else if (std::regex_match(line, m, header) && next_content_is_indented(lines, i)) {
            builder.open_section(std::string(m[1]) + ": " + std::string(m[2]), number);
        } else if (std::regex_match(line, m, colon_line)) {
            add_colon_line(builder, m, number);
        } else {
            builder.add(line, "", number);
        }
    }
    return builder.finish();
}

bool is_section_config_path(std::string_view path) {
    static const std::regex known(
        R"(^(storage|user|datacenter|domains|jobs|notifications|replication|vzdump|)"
        R"(ceph|mapping/[^/]+|ha/[^/]+|sdn/[^/]+|priv/[^/]+)\.cfg$|)"
        R"(^(nodes/[^/]+/)?(qemu-server|lxc)/[^/]+\.conf$|)"
        R"(^firewall/[^/]+\.fw$|^nodes/[^/]+/host\.fw$)");
    return std::regex_match(std::string(path), known);
}

std::vector<KeyChange> compare_section_configs(const SectionConfig& before,
                                               const SectionConfig& after) {
    // The entries before any section are no section of their own: a file
    // that has none on one side (a firewall file starting with [OPTIONS], an
    // empty file) has an empty one there, so its keys are compared one by one
    // and no "section ''" is ever added or removed.
    const Section none{"", 0, {}};
    auto find = [&none](const SectionConfig& config, const std::string& name) {
        const auto* found = config.find(name);
        return found || !name.empty() ? found : &none;
    };
    std::vector<KeyChange> changes;
    for (const auto& old_section : before.sections)
        if (!find(after, old_section.name))
            changes.push_back({old_section.name, "", "section", std::nullopt});
    auto compare = [&](const Section& section) {
        const auto* old_section = find(before, section.name);
        if (!old_section) {
            changes.push_back({section.name, "", std::nullopt, "section"});
            return;
        }
        std::map<std::string, const Entry*> old_entries;
        for (const auto& entry : old_section->entries)
            old_entries[entry.key] = &entry;
        for (const auto& entry : section.entries) {
            auto it = old_entries.find(entry.key);
            if (it == old_entries.end())
                changes.push_back({section.name, entry.key, std::nullopt, entry.value});
            else if (it->second->value != entry.value)
                changes.push_back({section.name, entry.key, it->second->value, entry.value});
            if (it != old_entries.end())
                old_entries.erase(it);
        }
        for (const auto& entry : old_section->entries)
            if (old_entries.count(entry.key))
                changes.push_back({section.name, entry.key, entry.value, std::nullopt});
    };
    if (!after.find("") && before.find(""))
        compare(none); // the entries before any section, all of them removed
    for (const auto& section : after.sections)
        compare(section);
    return changes;
}

} // namespace pmxsnap::pveconfig
