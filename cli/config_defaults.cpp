#include "config_defaults.hpp"

#include "pmxsnap/util/config_file.hpp"
#include "pmxsnap/util/error.hpp"
#include "pmxsnap/util/file.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>

namespace pmxsnap::cli {
namespace {

struct Variable {
    const char* name;
    const char* key;
};
constexpr Variable environment_variables[] = {
    {"PMXSNAP_REPO", "repo"}, {"PMXSNAP_KEY", "key"}, {"PMXSNAP_IDENTITY", "identity"}};

// Options that only make sense on the command line.
bool is_configurable(const std::string& key) {
    return key != "help" && key != "version" && key != "config";
}

// The chosen command, outermost first: pmxsnap, restore, plan.
std::vector<CLI::App*> chosen_chain(CLI::App& app) {
    std::vector<CLI::App*> chain{&app};
    while (true) {
        auto chosen = chain.back()->get_subcommands();
        if (chosen.empty())
            return chain;
        chain.push_back(chosen.front());
    }
}

std::string section_of(const std::vector<CLI::App*>& chain, std::size_t depth) {
    std::string name;
    for (std::size_t i = 1; i <= depth; ++i)
        name += (i > 1 ? "." : "") + chain[i]->get_name();
    return name;
}

std::string command_names(const CLI::App& app, const std::string& prefix) {
    std::string names;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        names += (names.empty() ? "" : ", ") + ("[" + prefix + sub->get_name() + "]");
        for (const auto* inner : sub->get_subcommands([](const CLI::App*) { return true; }))
            names += ", [" + prefix + sub->get_name() + "." + inner->get_name() + "]";
    }
    return names;
}

// The command a section names ("restore.plan"), or nullptr.
CLI::App* app_of_section(CLI::App& app, const std::string& section) {
    CLI::App* current = &app;
    std::size_t start = 0;
    while (start <= section.size()) {
        auto dot = section.find('.', start);
        auto name =
            section.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        auto subs = current->get_subcommands(
            [&name](const CLI::App* sub) { return sub->get_name() == name; });
        if (subs.empty())
            return nullptr;
        current = subs.front();
        if (dot == std::string::npos)
            return current;
        start = dot + 1;
    }
    return nullptr;
}

bool is_flag(const CLI::Option& option) {
    return option.get_expected_min() == 0;
}

std::optional<std::string> flag_value(const std::string& text) {
    static const std::map<std::string, std::string> words = {
        {"true", "true"},   {"yes", "true"}, {"on", "true"},   {"1", "true"},
        {"false", "false"}, {"no", "false"}, {"off", "false"}, {"0", "false"}};
    auto word = words.find(text);
    if (word == words.end())
        return std::nullopt;
    return word->second;
}

// Refuses what the file says that no option of its section takes.
void check_entry(CLI::App& app, const ConfigEntry& entry, const std::string& file) {
    int line = entry.values.empty() ? entry.section_line : entry.values.front().line;
    CLI::App* target = entry.section.empty() ? &app : app_of_section(app, entry.section);
    if (target == nullptr)
        fail("{}:{}: [{}]: no such command; sections are {}", file, entry.section_line,
             entry.section, command_names(app, ""));
    const auto* option = target->get_option_no_throw("--" + entry.key);
    std::string where =
        entry.section.empty() ? "the global options" : fmt::format("[{}]", entry.section);
    if (option == nullptr || !is_configurable(entry.key))
        fail("{}:{}: {}: not an option of {} (see pmxsnap help{}{})", file, line, entry.key, where,
             entry.section.empty() ? "" : " ", entry.section);
    if (option->get_expected_max() <= 1 && entry.values.size() > 1)
        fail("{}:{}: {}: set again in {} (line {}); it takes one value", file, entry.values[1].line,
             entry.key, where, line);
    if (is_flag(*option))
        for (const auto& value : entry.values)
            if (!flag_value(value.text))
                fail("{}:{}: {} = {}: not true or false (yes/no, on/off, 1/0)", file, value.line,
                     entry.key, value.text);
}

bool given_on_command_line(const std::vector<CLI::App*>& chain, const std::string& key) {
    return std::any_of(chain.begin(), chain.end(), [&key](CLI::App* app) {
        const auto* option = app->get_option_no_throw("--" + key);
        return option != nullptr && option->count() > 0;
    });
}

void set_option(CLI::Option& option, const std::vector<std::string>& values) {
    option.clear();
    for (const auto& value : values)
        option.add_result(is_flag(option) ? *flag_value(value) : value);
    option.run_callback();
}

std::vector<std::string> texts_of(const ConfigEntry& entry) {
    std::vector<std::string> texts;
    texts.reserve(entry.values.size());
    for (const auto& value : entry.values)
        texts.push_back(value.text);
    return texts;
}

std::vector<ConfigEntry> read_entries(const std::string& config_file) {
    auto path = config_file.empty() ? std::string(default_config_file) : config_file;
    auto text = config_file.empty() ? read_file_if_exists(path, 1u << 20)
                                    : std::optional<std::string>(read_file(path, 1u << 20));
    if (!text)
        return {};
    return parse_config_file(*text, path);
}

} // namespace

void apply_config_and_environment(CLI::App& app, const std::string& config_file) {
    auto entries = read_entries(config_file);
    auto file = config_file.empty() ? std::string(default_config_file) : config_file;
    for (const auto& entry : entries)
        check_entry(app, entry, file);

    auto chain = chosen_chain(app);
    auto* leaf = chain.back();
    // Innermost wins: [restore.plan] over [restore] over the top.
    std::map<std::string, std::vector<std::string>> chosen;
    for (std::size_t depth = 0; depth < chain.size(); ++depth)
        for (const auto& entry : entries)
            if (entry.section == section_of(chain, depth))
                chosen[entry.key] = texts_of(entry);
    for (const auto& variable : environment_variables) {
        const char* value = std::getenv(variable.name);
        if (value != nullptr && *value != '\0')
            chosen[variable.key] = {value};
    }
    for (const auto& [key, values] : chosen) {
        if (given_on_command_line(chain, key))
            continue;
        auto* option = leaf->get_option_no_throw("--" + key);
        if (option == nullptr)
            option = app.get_option_no_throw("--" + key);
        if (option != nullptr)
            set_option(*option, values);
    }
}

} // namespace pmxsnap::cli
