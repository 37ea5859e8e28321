// The fixture of the after-drill suites (improve_api_test, improve_pages_test):
// CampaignApiTest's organisations and users, a facilitator, an observer and
// participants of org-a, campaigns on the built-in checklist the drill's
// scenario links to ("ir" open, "ir-closed" closed), and drill "d1" of
// org-a in campaign "ir", run over HTTP to its end: a report, the DP3 stop
// decision with a rationale, an observation — and no contact with anyone
// outside, so the coordination items come out poor.
#pragma once

#include <string>

#include <kunren/io/builtin.hpp>
#include <kunren/model/preparedness.hpp>

#include "api_fixture.hpp"

namespace kunren::server {

class AfterDrillTest : public CampaignApiTest {
 protected:
  void SetUp() override {
    CampaignApiTest::SetUp();
    add_user("fac", store::Role::kFacilitator, {"org-a"});
    add_user("obs", store::Role::kObserver, {"org-a"});
    add_user("prod", store::Role::kParticipant, {"org-a"});
    add_user("lead", store::Role::kParticipant, {"org-a"});
    const store::Actor actor{"test"};
    auto checklist = io::load_builtin_checklist("factory-ir");
    ASSERT_TRUE(checklist.is_ok()) << checklist.status().to_string();
    ir = std::move(checklist).value();
    auto record = store::register_checklist(*db, ir, true, actor);
    ASSERT_TRUE(record.is_ok()) << record.status().to_string();
    for (const char* id : {"ir", "ir-closed"}) {
      store::CampaignRecord c;
      c.id = id;
      c.title = std::string("Round ") + id;
      c.checklist_id = ir.id;
      c.checklist_version = ir.version;
      c.min_group = 1;
      ASSERT_TRUE(db->create_campaign(c, actor).is_ok());
      ASSERT_TRUE(db->set_campaign_state(id, store::CampaignState::kOpen, actor).is_ok());
    }
    ASSERT_TRUE(db->set_campaign_state("ir-closed", store::CampaignState::kClosed, actor).is_ok());
    fac = sign_in("fac");
  }

  Answer act(const Signed& who, const std::string& kind, const nlohmann::json& payload) {
    return call(who, "POST", "/api/v1/exercises/d1/actions",
                nlohmann::json{{"kind", kind}, {"payload", payload}}.dump());
  }

  // Plans d1 and runs it to its end.
  void run_drill() {
    Answer created = call(fac, "POST", "/api/v1/exercises",
                          R"({"id":"d1","title":"Drill","org":"org-a","campaign":"ir","scenario":"factory-ransomware",
                              "criteria":{"DP3":{"who":"plant manager","conditions":["safety at risk"]}},
                              "participants":[{"login":"prod","role":"production"},{"login":"lead","role":"sirt"}]})");
    ASSERT_EQ(created.status, 201) << created.text;
    ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"start","speed":10})").status, 200);
    ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/injects", R"({"inject":"INJ-017"})").status, 200);
    ASSERT_EQ(act(sign_in("prod"), "report", {{"what", "HMI on line 2 froze"}, {"line", "L2"}}).status, 200);
    Answer decided = act(fac, "decision", {{"decision_point", "DP3"}, {"option", "stop-affected"},
                                           {"rationale", "the HMI is not reliable"},
                                           {"criteria", {{{"text", "safety at risk"}, {"met", true}}}}});
    ASSERT_EQ(decided.status, 200) << decided.text;
    ASSERT_EQ(act(fac, "observation", {{"rating", "S"}, {"objective", "OBJ-5"}, {"text", "slow to call outside"}}).status, 200);
    ASSERT_EQ(call(fac, "POST", "/api/v1/exercises/d1/control", R"({"action":"end"})").status, 200);
  }

  model::Checklist ir;
  Signed fac;
};

}  // namespace kunren::server
