// en messages for the content pages.
export default {
};
