// en messages for the settings pages.
export default {
};
