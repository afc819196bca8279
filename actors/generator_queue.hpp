#pragma once
// What a flow's page generators share (export_stage, wrapper_export_stage):
// the pages made and waiting for credit, each with where records go on
// after it, sent on as credit allows; asking the source for more only
// when no page waits; and the end, once the source has no more and the
// last records are out.

#include <cstdint>
#include <deque>
#include <string_view>
#include <utility>

#include "actors/stages.hpp"

namespace integrator {

struct generator_queue {
  std::deque<record_page> ready;
  std::deque<resume_point> ready_after;  ///< where records go on after each ready page
  std::int32_t credit = 0;
  bool waiting = false;  ///< a request or call for more is out
  bool closed = false;
  std::size_t generator = 0;  ///< index in the plan's generators
  std::uint64_t pages = 0;    ///< pages made so far

  /// Takes the page being built, numbered, with where records go on after it.
  record_page& add(page_builder& builder, resume_point after) {
    after.pages = static_cast<std::int64_t>(++pages);
    ready_after.push_back(std::move(after));
    ready.push_back(builder.take(page_origin(generator, pages)));
    return ready.back();
  }

  /// Where a cursor's read into `builder` puts its counts
  /// (counts_by_page): with the page holding the record last kept (the one
  /// being built, or the one it just completed), the rest with the next.
  counts_by_page counts_into(const page_builder& builder) const {
    return {[this, &builder] { return page_origin(generator, builder.empty() ? pages : pages + 1); },
            [this] { return page_origin(generator, pages + 1); },
            {}};
  }

  /// Puts a record the cursor kept into `builder`; a page is made (through
  /// `make_page(where records go on after it)`) when the builder is full
  /// before the record, or complete with it.
  template <class Cursor, class MakePage>
  static void cut(page_builder& builder, const Cursor& cursor, std::string_view kept, MakePage&& make_page) {
    if (builder.full_for(kept.size()))
      make_page(cursor.resume_here(false));
    builder.append(kept);
    if (builder.complete())
      make_page(cursor.resume_here(true));
  }

  /// A cancel: the pages not sent go nowhere.
  void drop() {
    ready.clear();
    ready_after.clear();
  }

  /// Sends what credit allows; asks `cursor` for more through `ask` (false:
  /// it asked nothing) when no page waits; once it has no more, makes the
  /// last page of `builder` through `make_page(builder's last resume
  /// point)`, sends it and ends.
  template <class Self, class Cursor, class Ask, class MakePage>
  void pump(Self* self, const stage_links& links, Cursor& cursor, const page_builder& builder, Ask&& ask,
            MakePage&& make_page) {
    while (!closed) {
      while (credit > 0 && !ready.empty()) {
        stage_report r;
        r.counts.num_pages_generated = 1;
        r.page = ready.front().origin();
        r.after = std::move(ready_after.front());
        self->send(links.downstream, page_atom::value, std::move(ready.front()));
        ready.pop_front();
        ready_after.pop_front();
        --credit;
        report(self, links, std::move(r));
      }
      if (waiting)
        return;
      if (cursor.more()) {
        if (credit <= 0 || !ready.empty())
          return;
        if (ask())
          return;
      }
      if (!cursor.stopped() && !builder.empty()) {
        resume_point end;
        end.done = true;
        make_page(std::move(end));
      }
      if (!ready.empty()) {
        if (credit > 0)
          continue;
        return;
      }
      closed = true;
      stage_report done;
      done.exhausted = true;
      report(self, links, std::move(done));
      self->send(links.downstream, end_atom::value);
      self->quit();
    }
  }

  template <class Self>
  static void report(Self* self, const stage_links& links, stage_report r) {
    links.stamp(r);
    self->send(links.job, report_atom::value, std::move(r));
  }

  /// Reports an answer read: its counts page by page, then the rest
  /// (errors, a failure).
  template <class Self>
  static void report_read(Self* self, const stage_links& links, counts_by_page& by_page, stage_report r) {
    for (auto& part : by_page.parts)
      report(self, links, std::move(part));
    report(self, links, std::move(r));
  }
};

}  // namespace integrator
