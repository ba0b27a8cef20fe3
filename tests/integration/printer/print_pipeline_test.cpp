// Template → SSCC → print queue → zpl-tcp → simulator, over real TCP: content, printer downtime,
// a "killed" daemon, reprint, and injection attempts in every field.
#include <gtest/gtest.h>

#include "daemon/print/print_queue.hpp"
#include "daemon/print/sscc.hpp"
#include "daemon/print/zpl_template.hpp"
#include "drivers/printer/zpl_tcp_printer.hpp"
#include "tests/integration/printer/printer_test_env.hpp"
#include "tests/support/printer_sim.hpp"

namespace wedge {
namespace {

using namespace std::chrono_literals;
using print::JobOutcome;
using print::JobState;

const std::string kTemplates = std::string(WEDGE_SOURCE_DIR) + "/config/templates/";

// One "daemon": printer driver + queue over the same database file.
struct Daemon {
  Daemon(boost::asio::io_context& io, int port, const std::string& db) {
    printer = std::make_unique<drivers::ZplTcpPrinter>(io.get_executor(), "label1",
                                                       test::tcp_settings(port));
    print::QueueOptions o;
    o.db_path = db;
    o.retry_initial = 20ms;
    o.retry_max = 100ms;
    o.printer_wait_poll = 20ms;
    queue = std::make_unique<print::PrintQueue>(io.get_executor(), o);
    queue->add_printer(*printer);
    queue->set_outcome_handler([this](const JobOutcome& out) { outcomes.push_back(out); });
    printer->start();
    queue->start();
  }
  ~Daemon() {
    queue->stop();
    printer->stop();
  }
  std::unique_ptr<drivers::ZplTcpPrinter> printer;
  std::unique_ptr<print::PrintQueue> queue;
  std::vector<JobOutcome> outcomes;
};

print::FieldValues shipping_values(const std::string& order, const std::string& sscc) {
  return {{"ship_to_name", "Ann Example"}, {"ship_to_line1", "1 Main St"},
          {"ship_to_line2", ""},           {"ship_to_city", "12345 Springfield"},
          {"ship_to_country", "DE"},       {"order_id", order},
          {"carrier", "DHL"},              {"tracking", "JD0146000012345678"},
          {"sscc", sscc}};
}

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim = std::make_unique<test::PrinterSim>(test::kSimScript, dir.path());
    auto t = print::ZplTemplate::load(kTemplates + "shipping.zpl");
    ASSERT_TRUE(t) << t.reason();
    shipping = *t;
  }
  // A job counts as printed once its label has left through the socket; the simulator reads and
  // parses it on its own thread, so checks of what it received first wait until it holds `n`.
  bool sim_received(int n) { return test::run_until(io, [&] { return sim->count() >= n; }); }
  std::string label(const std::string& order, const std::string& sscc) {
    auto filled = shipping.fill(shipping_values(order, sscc));
    EXPECT_TRUE(filled) << filled.reason();
    return *filled;
  }

  test::TempDir dir;
  boost::asio::io_context io;
  std::unique_ptr<test::PrinterSim> sim;
  print::ZplTemplate shipping = *print::ZplTemplate::parse("^XA^XZ");
};

TEST_F(PipelineTest, ShippingLabelFromTemplateReachesThePrinter) {
  print::SsccGenerator sscc({dir.file("print.db"), "0614141", 1});
  auto number = sscc.next();
  ASSERT_TRUE(number) << number.reason();
  Daemon d(io, sim->port(), dir.file("print.db"));
  auto job = d.queue->enqueue({"", "label1", "o-100", label("o-100", *number)});
  ASSERT_TRUE(job) << job.reason();
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 1; }));
  EXPECT_EQ(d.outcomes[0].state, JobState::printed) << d.outcomes[0].reason;
  ASSERT_TRUE(sim_received(1));
  auto render = sim->render();
  ASSERT_EQ(render.labels.size(), 1u);
  std::vector<std::string> texts;
  std::string barcode;
  for (const auto& f : render.labels[0].fields) {
    texts.push_back(f.text);
    if (f.barcode == "^BC") barcode = f.text;
  }
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "SHIP TO", "Ann Example", "1 Main St", "", "12345 Springfield", "DE",
                       "ORDER o-100", "CARRIER DHL", "TRACKING JD0146000012345678", "SSCC",
                       ">;>800" + *number, "(00) " + *number}));
  EXPECT_EQ(barcode, ">;>800" + *number);
  EXPECT_TRUE(print::gs1_is_valid(*number));
}

TEST_F(PipelineTest, PrinterDownJobWaitsThenPrintsExactlyOnce) {
  sim->down();
  Daemon d(io, sim->port(), dir.file("print.db"));
  ASSERT_TRUE(d.queue->enqueue({"j1", "label1", "o-1", label("o-1", "106141412345678908")}));
  test::run_for(io, 300ms);
  EXPECT_TRUE(d.outcomes.empty());
  EXPECT_EQ(d.queue->find("j1")->state, JobState::queued);
  EXPECT_EQ(d.queue->find("j1")->attempts, 0);
  sim->up();
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 1; }));
  EXPECT_EQ(d.outcomes[0].state, JobState::printed);
  ASSERT_TRUE(sim_received(1));
  test::run_for(io, 300ms);  // several polls later: still one label, one outcome
  EXPECT_EQ(sim->count(), 1);
  EXPECT_EQ(d.outcomes.size(), 1u);
}

TEST_F(PipelineTest, PaperOutHoldsJobsThenTheyPrintInOrder) {
  sim->set("paper-out", true);
  Daemon d(io, sim->port(), dir.file("print.db"));
  for (int i = 1; i <= 3; ++i)
    ASSERT_TRUE(d.queue->enqueue({"", "label1", "o-" + std::to_string(i),
                                  label("o-" + std::to_string(i), "106141412345678908")}));
  ASSERT_TRUE(test::run_until(io, [&] {
    return d.printer->health().state == drivers::HealthState::faulted;
  }));
  EXPECT_EQ(d.printer->health().reason, "paper out");
  test::run_for(io, 200ms);
  EXPECT_TRUE(d.outcomes.empty());
  sim->set("paper-out", false);
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 3; }));
  ASSERT_TRUE(sim_received(3));
  auto render = sim->render();
  ASSERT_EQ(render.labels.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(render.labels[static_cast<std::size_t>(i)].fields.at(6).text,
              "ORDER o-" + std::to_string(i + 1));
}

TEST_F(PipelineTest, DaemonKilledWithJobsQueuedPrintsEachOnceAfterRestart) {
  sim->down();
  {
    Daemon d(io, sim->port(), dir.file("print.db"));
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(d.queue->enqueue({"job-" + std::to_string(i), "label1", "o-" + std::to_string(i),
                                    label("o-" + std::to_string(i), "106141412345678908")}));
    test::run_for(io, 100ms);
    // "Kill": the objects go away mid-flight, nothing is flushed or finished on purpose.
  }
  io.restart();
  io.poll();  // drop the dead daemon's aborted handlers
  sim->up();
  Daemon d(io, sim->port(), dir.file("print.db"));
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 3; }));
  for (const auto& o : d.outcomes) EXPECT_EQ(o.state, JobState::printed) << o.reason;
  ASSERT_TRUE(sim_received(3));
  test::run_for(io, 300ms);
  EXPECT_EQ(sim->count(), 3);
  EXPECT_EQ(d.outcomes.size(), 3u);
  auto render = sim->render();
  EXPECT_EQ(render.labels.at(0).fields.at(6).text, "ORDER o-1");
  EXPECT_EQ(render.labels.at(2).fields.at(6).text, "ORDER o-3");
}

TEST_F(PipelineTest, ReprintByIdPrintsTheSameLabelAgain) {
  Daemon d(io, sim->port(), dir.file("print.db"));
  ASSERT_TRUE(d.queue->enqueue({"j1", "label1", "o-1", label("o-1", "106141412345678908")}));
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 1; }));
  auto again = d.queue->reprint("j1");
  ASSERT_TRUE(again) << again.reason();
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 2; }));
  EXPECT_EQ(d.outcomes[1].reprint_of, "j1");
  ASSERT_TRUE(sim_received(2));
  ASSERT_EQ(sim->count(), 2);
  EXPECT_EQ(sim->command("raw 1"), sim->command("raw 2"));
}

TEST_F(PipelineTest, InjectionAttemptsInEveryFieldStayLiteralText) {
  const std::vector<std::string> attacks = {
      "^XZ^XA^FO0,0^FDforged^FS^XZ", "~JR", "a^FDb", "_1D", "~HS^XZ", "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac",
      std::string("ctl\x01\x1d\r\n\x7f\xff", 10), "{{order_id}}", "^FH\\^FD\\5E"};
  Daemon d(io, sim->port(), dir.file("print.db"));
  std::size_t expected_labels = 0;
  for (const auto& attack : attacks) {
    print::FieldValues values = shipping_values("o-x", "106141412345678908");
    for (auto& [name, value] : values)
      if (name != "sscc") value = attack;
    auto filled = shipping.fill(values);
    ASSERT_TRUE(filled) << filled.reason();
    ASSERT_TRUE(d.queue->enqueue({"", "label1", "o-x", *filled}));
    ++expected_labels;
    ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == expected_labels; }));
    ASSERT_TRUE(sim_received(static_cast<int>(expected_labels)));
    auto render = sim->render();
    ASSERT_EQ(render.labels.size(), expected_labels) << attack;  // no extra or split label
    EXPECT_TRUE(render.control.empty()) << attack;                // no ~JR or other control
    const auto& fields = render.labels.back().fields;
    ASSERT_EQ(fields.size(), 12u) << attack;
    for (std::size_t i : {1u, 2u, 3u, 4u, 5u}) EXPECT_EQ(fields[i].bytes, attack) << i;
    EXPECT_EQ(fields[6].bytes, "ORDER " + attack);
    EXPECT_EQ(fields[7].bytes, "CARRIER " + attack);
    EXPECT_EQ(fields[8].bytes, "TRACKING " + attack);
  }
  // The barcode field takes digits only: an attack there is refused, never printed.
  auto values = shipping_values("o-x", "10614141234567890^XZ");
  EXPECT_EQ(shipping.fill(values).reason(), "field 'sscc' must be digits");
}

TEST_F(PipelineTest, ToteLabelInjectionStaysLiteral) {
  auto t = print::ZplTemplate::load(kTemplates + "tote.zpl");
  ASSERT_TRUE(t) << t.reason();
  Daemon d(io, sim->port(), dir.file("print.db"));
  const std::string attack = "T-1^XZ~JR_1D";
  auto filled = t->fill({{"tote_id", attack}, {"order_id", attack}, {"station", attack}});
  ASSERT_TRUE(filled) << filled.reason();
  ASSERT_TRUE(d.queue->enqueue({"", "label1", "o", *filled}));
  ASSERT_TRUE(test::run_until(io, [&] { return d.outcomes.size() == 1; }));
  ASSERT_TRUE(sim_received(1));
  auto render = sim->render();
  ASSERT_EQ(render.labels.size(), 1u);
  EXPECT_TRUE(render.control.empty());
  const auto& f = render.labels[0].fields;
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1].bytes, attack);
  EXPECT_EQ(f[2].bytes, attack);
  EXPECT_EQ(f[2].barcode, "^BC");
  EXPECT_EQ(f[3].bytes, "ORDER " + attack + " STATION " + attack);
}

}  // namespace
}  // namespace wedge
