#include "catch.hpp"

#include "pmxsnap/util/bounded_call.hpp"

#include <stdexcept>
#include <thread>

using namespace pmxsnap;
using namespace std::chrono_literals;

TEST_CASE("a bounded call returns the child's answer") {
    auto answer = call_bounded([] { return std::string(100000, 'x'); }, 5s);
    CHECK(answer.outcome == BoundedAnswer::Outcome::answered);
    CHECK(answer.text.size() == 100000);
}

TEST_CASE("a bounded call gives up on a child that never answers, and kills it") {
    auto started = std::chrono::steady_clock::now();
    auto answer = call_bounded(
        [] {
            std::this_thread::sleep_for(1h);
            return std::string("late");
        },
        200ms);
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(answer.outcome == BoundedAnswer::Outcome::timed_out);
    CHECK(answer.text.empty());
    // Generous: the point is that it did not wait for the hour.
    CHECK(took < 30s);
}

TEST_CASE("a child that throws is a failure, not an answer") {
    auto answer = call_bounded([]() -> std::string { throw std::runtime_error("boom"); }, 5s);
    CHECK(answer.outcome == BoundedAnswer::Outcome::failed);
}
