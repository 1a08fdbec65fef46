//! A group's settings: its sharing policy and its members' permissions, which only its admins see
//! and set.

use super::{Caller, ServiceResult, Standing};
use crate::domain::{SharingPolicy, UserPermission};
use crate::store::{PolicyReads, PolicyWrites};

pub async fn set_policy<S: PolicyWrites>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    policy: &SharingPolicy,
) -> ServiceResult<()> {
    standing.require_admin()?;
    store.put_policy(&caller.group, policy).await?;
    tracing::info!(group = %caller.group, "sharing policy changed");
    Ok(())
}

pub async fn group_users<S: PolicyReads>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
) -> ServiceResult<Vec<UserPermission>> {
    standing.require_admin()?;
    Ok(store.users(&caller.group).await?)
}

pub async fn set_user_permission<S: PolicyWrites>(
    store: &S,
    caller: &Caller,
    standing: &Standing,
    user: &UserPermission,
) -> ServiceResult<()> {
    standing.require_admin()?;
    store.put_user(&caller.group, user).await?;
    tracing::info!(group = %caller.group, "user permission changed");
    Ok(())
}
