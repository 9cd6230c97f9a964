// The [[bg::task]] annotation vocabulary. Header-only; no runtime code.
//
//   [[bg::task]] void send_notification(std::string email, std::string message);
//   [[bg::task("welcome_email")]] void send_welcome(std::string email);
//
// Policies go beside it, in the same attribute list (see bg::TaskPolicy):
//
//   [[bg::task, bg::retry(5), bg::timeout("30s"), bg::concurrency(2)]]
//   void send_receipt(std::string email);
//
//   bg::retry(n)                   n more attempts after a failure (1..1000),
//   bg::retry(n, "base", "cap")    with full-jitter backoff (default 1s..1min)
//   bg::timeout("30s")             longest a run may take (ms, s, min, h)
//   bg::concurrency(k)             at most k runs at once
//   bg::queue("emails")            the durable queue generated enqueue(client, ...)
//                                  uses (bgtasks::redis; default "default")
//
// Compilers ignore attributes in namespaces they do not know and warn about
// them. Including this header silences exactly those warnings, so that builds
// with -Wall -Wextra -Werror stay clean; bg-gen is the one tool that reads
// the attributes.
#pragma once

#if defined(BG_GEN)
// bg-gen itself (which defines BG_GEN) must see the warnings: they are how
// it finds misspelt bg:: attributes.
#elif defined(__clang__)
// Clang has no switch for one namespace; -Wunknown-attributes covers all.
#pragma clang diagnostic ignored "-Wunknown-attributes"
#elif defined(__GNUC__)
// GCC 12 ignores exactly the named attributes, arguments included; unknown
// attributes in other namespaces are still reported.
#pragma GCC diagnostic ignored_attributes "bg::task"
#pragma GCC diagnostic ignored_attributes "bg::retry"
#pragma GCC diagnostic ignored_attributes "bg::timeout"
#pragma GCC diagnostic ignored_attributes "bg::concurrency"
#pragma GCC diagnostic ignored_attributes "bg::queue"
#endif

#define BG_ANNOTATIONS_REVISION 3
