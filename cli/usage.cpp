#include "usage.hpp"

#include <cstring>
#include <iostream>
#include <memory>

namespace pmxsnap::cli {
namespace {

auto everything = [](const CLI::App*) { return true; };

std::string command_list(const CLI::App& app) {
    std::string names;
    for (const auto* sub : app.get_subcommands(everything))
        names += (names.empty() ? "" : ", ") + sub->get_name();
    return names;
}

const CLI::App* find_command(const CLI::App& app, const std::string& name) {
    auto found =
        app.get_subcommands([&name](const CLI::App* sub) { return sub->get_name() == name; });
    return found.empty() ? nullptr : found.front();
}

bool is_global_option(const CLI::Option& option) {
    auto name = option.get_name();
    return name != "--help" && name != "--version" && name != "--config";
}

// "ARCHIVE TEXT REQUIRED": the name already says what to give.
void drop_positional_types(CLI::App& command) {
    for (auto* option :
         command.get_options([](const CLI::Option* o) { return o->get_positional(); }))
        option->type_name("");
}

void hide_global_options(const CLI::App& top, CLI::App& command, const std::string& names) {
    drop_positional_types(command);
    for (const auto* global : top.get_options()) {
        if (!is_global_option(*global))
            continue;
        if (auto* own = command.get_option_no_throw(global->get_name()))
            own->group("");
    }
    command.footer(
        fmt::format("Global options ({}) are accepted here too; see pmxsnap help.", names));
    for (auto* inner : command.get_subcommands(everything))
        hide_global_options(top, *inner, names);
}

} // namespace

Command register_help(CLI::App& app) {
    auto* sub = app.add_subcommand("help", "Show the help of pmxsnap or of a command");
    auto words = std::make_shared<std::vector<std::string>>();
    sub->add_option("COMMAND", *words, "A command, e.g. snapshot or restore plan");
    return {sub, [&app, words]() {
                const CLI::App* target = &app;
                std::string prefix = "pmxsnap";
                for (const auto& word : *words) {
                    const auto* next = find_command(*target, word);
                    if (next == nullptr)
                        fail("{}: unknown command; commands are {}", word, command_list(*target));
                    if (target != &app)
                        prefix += " " + target->get_name();
                    target = next;
                }
                if (target != &app)
                    prefix += " " + target->get_name();
                // App::help() would describe `help` itself, the command parsed.
                std::cout << target->get_formatter()->make_help(target, prefix,
                                                                CLI::AppFormatMode::Normal)
                          << std::flush;
                return ExitCode::ok;
            }};
}

void show_global_options_once(CLI::App& app) {
    std::string names;
    for (const auto* option : app.get_options())
        if (is_global_option(*option))
            names += (names.empty() ? "" : ", ") + option->get_name();
    for (auto* command : app.get_subcommands(everything))
        hide_global_options(app, *command, names);
}

std::string command_word(const CLI::App& app, int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string word = argv[i];
        if (word == "--")
            return {};
        if (word.empty() || word.front() != '-')
            return word;
        if (word.find('=') != std::string::npos)
            continue;
        const auto* option = app.get_option_no_throw(word);
        if (option != nullptr && option->get_expected_min() > 0)
            ++i;
    }
    return {};
}

void refuse_unknown_command(const CLI::App& app, const std::string& word) {
    if (!word.empty() && find_command(app, word) == nullptr)
        fail("{}: unknown command; commands are {} (see pmxsnap help)", word, command_list(app));
}

} // namespace pmxsnap::cli
