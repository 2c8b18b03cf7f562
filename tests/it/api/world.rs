//! `World`: the cast the campaign and analytics tests share — a server with imported customers, a campaign owned
//! by a Manager with one Sales collaborator, and a Manager and a Sales user outside it.

use leadscore_tests::{TestApp, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub(super) struct World {
    pub(super) app: TestApp,
    pub(super) owner: TestUser,
    /// A Manager who neither owns nor collaborates on the campaign.
    pub(super) other_manager: TestUser,
    /// The campaign's one collaborator (Sales).
    pub(super) member: TestUser,
    /// A Sales user outside the campaign.
    pub(super) outsider: TestUser,
    /// The campaign's id.
    pub(super) campaign: String,
}

impl World {
    /// The first `customers` rows of the bundled sample (with their outcomes) imported, and the campaign created
    /// by `owner` from the create body `campaign`, with `member` as its collaborator. Not run yet.
    pub(super) async fn new(customers: usize, mut campaign: Value) -> Self {
        let app = TestApp::spawn().await;
        app.import_sample(customers).await;
        let owner = app.user("Manager").await;
        let other_manager = app.user("Manager").await;
        let member = app.user("Sales").await;
        let outsider = app.user("Sales").await;
        campaign["collaboratorEmails"] = json!([member.email]);
        let campaign = app.created("/api/v1/campaigns", &owner, campaign).await;
        Self { app, owner, other_manager, member, outsider, campaign }
    }

    /// Runs the campaign as its owner; panics unless that succeeds, and answers the run report.
    pub(super) async fn run(&self) -> Value {
        let path = format!("/api/v1/campaigns/{}/run", self.campaign);
        let (status, body) = self.app.call(Method::POST, &path, Some(&self.owner.token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].clone()
    }
}
