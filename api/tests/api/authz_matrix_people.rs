//! The authorization matrix for people signed in through the province's identity provider:
//! every operation answers a person's access token as it answers the API token of the role
//! the person is mapped to. The Office's person and the leadership's are admin and viewer by
//! the group rules; unit A's focal person (by the units' contacts e-mail) is unit A's
//! reporter, and is sent unit B's data in the `reporter_other` column, as the token is.

use serde_json::{json, Value};

use super::{check_operations, Caller, Fixtures};
use crate::oidc_provider::{PersonTokens, Provider};

/// People's access tokens, standing in for the role tokens of the same columns.
pub(super) struct People {
    admin: String,
    viewer: String,
    reporter: String,
}

impl People {
    /// The person standing in for `caller`; `None` for the anonymous and integration columns,
    /// which no person stands in for.
    pub(super) fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Admin => Some(&self.admin),
            Caller::Viewer => Some(&self.viewer),
            Caller::ReporterOwn | Caller::ReporterOther => Some(&self.reporter),
            Caller::Anonymous | Caller::Integration => None,
        }
    }
}

/// The columns people are checked in, forbidden callers first (as `super::ORDER`).
const PEOPLE: [Caller; 4] = [
    Caller::Viewer,
    Caller::ReporterOther,
    Caller::ReporterOwn,
    Caller::Admin,
];

async fn person(provider: &Provider, claims: Value) -> String {
    provider
        .token(&PersonTokens {
            // The whole matrix runs on these tokens.
            ttl_secs: 3600,
            ..PersonTokens::with_claims(claims)
        })
        .await
}

#[actix_web::test]
async fn every_operation_answers_a_person_as_it_answers_their_roles_token() {
    let provider = Provider::start();
    let mut fx = Fixtures::with_app(provider.api().await).await;
    let people = People {
        admin: person(
            &provider,
            json!({"name": "Lê Văn Phòng", "email": "vp@example.vn", "groups": ["cchc-office"]}),
        )
        .await,
        viewer: person(
            &provider,
            json!({"name": "Phạm Giám Đốc", "groups": ["cchc-leadership"]}),
        )
        .await,
        reporter: person(
            &provider,
            json!({"name": "Trần Thị Bình", "email": "focal.khtc@example.vn"}),
        )
        .await,
    };
    // Who they are to the service: what the columns stand for.
    for (token, role, unit) in [
        (&people.admin, "admin", Value::Null),
        (&people.viewer, "viewer", Value::Null),
        (&people.reporter, "reporter", json!("KHTC")),
    ] {
        let me = fx.app.get_as(token, "/api/v1/me").await.expect(200);
        assert_eq!(me["role"], role, "{me:#}");
        assert_eq!(me["unit_code"], unit, "{me:#}");
        assert_eq!(me["token_id"], 0, "a person: {me:#}");
    }
    fx.people = Some(people);

    let outcome = check_operations(
        &fx,
        &PEOPLE,
        |caller| caller,
        |caller| format!("a person as {}", caller.name()),
    )
    .await;
    outcome.assert_as_the_table_says(PEOPLE.len());
}
