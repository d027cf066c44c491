// en messages for the market pages.
export default {
};
