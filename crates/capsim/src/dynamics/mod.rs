//! Force models and the orbit equations of motion (to be written)
