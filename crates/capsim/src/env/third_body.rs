//! Third-body (Sun, Moon) positions and accelerations (to be written)
