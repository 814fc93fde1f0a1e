//! The environment a vehicle flies through: gravity field, atmosphere, space weather, Sun
//! and Moon, solar radiation.

pub mod atmosphere;
pub mod gravity;
pub mod solar_radiation;
pub mod space_weather;
pub mod sun;
pub mod tabulated;
pub mod third_body;
