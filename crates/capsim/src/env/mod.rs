//! The environment a vehicle flies through: gravity field (and, later, atmosphere, space
//! weather, Sun and Moon).

pub mod gravity;
pub mod sun;
